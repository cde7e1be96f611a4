import "server-only";
import { AppError } from "@/lib/errors";
import { env } from "@/server/config/env";
import { errorEnvelope, errorResponse } from "@/server/http/error-response";
import { guardRequest } from "@/server/http/request-guard";
import { contextFrom } from "@/server/trpc/context";
import { toListResponse } from "./list-items";
import { callProcedure, procedureDef } from "./procedures";
import { matchRoute, type RestRoute } from "./route";

/**
 * The REST API: `/api/<resource>[/<uuid>[/<action>]]`, mapped by server/rest/resources.ts to
 * tRPC procedures called with a context built from this request.
 */
export async function handleRestRequest(req: Request): Promise<Response> {
  const segments = new URL(req.url).pathname.split("/").filter(Boolean).slice(1);
  const route = matchRoute(segments);
  if (!route) {
    return errorResponse(new AppError("NOT_FOUND", `There is no API resource /api/${segments.join("/")}.`));
  }
  try {
    // Origin, content type and the body's size are checked before the credential is looked up.
    const withBody = req.method === "POST" || req.method === "PUT";
    const guarded = await guardRequest(req, {
      json: withBody,
      ...(withBody ? { bodyCap: env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES } : {}),
    });
    const ctx = contextFrom(guarded, new Headers());
    const call = (path: string, input: unknown) => callProcedure(ctx, path, input);
    return await dispatch(req, route, call, () => parseBody(guarded.body));
  } catch (error) {
    return errorResponse(error);
  }
}

type Call = (path: string, input: unknown) => Promise<unknown>;
type Body = () => Record<string, unknown>;

async function dispatch(req: Request, route: RestRoute, call: Call, body: Body): Promise<Response> {
  const { resource: r, id, action, name } = route;
  const method = req.method;
  const collectionAction = !action && id ? r.collectionActions?.[id] : undefined;
  if (collectionAction) {
    if (method !== "POST") return methodNotAllowed(method, `${name}/${id}`);
    return jsonResponse(await call(collectionAction, body()), 201);
  }
  if (action) {
    const path = r.actions?.[action];
    if (method !== "POST" || !path || !id) return methodNotAllowed(method, `${name}/{uuid}/${action}`);
    return jsonResponse(await call(path, { ...body(), id }));
  }
  if (!id) {
    if (method === "GET" && r.list) return jsonResponse(await list(req, route, call));
    if (method === "POST" && r.create) return jsonResponse(await call(r.create, body()), 201);
    return methodNotAllowed(method, name);
  }
  if (method === "GET" && r.get) return jsonResponse(await call(r.get, { id }));
  if (method === "GET" && r.list) return jsonResponse(await findById(route, id, call));
  if (method === "PUT" && r.update) return jsonResponse(await call(r.update, { ...body(), id }));
  if (method === "DELETE" && r.remove) return jsonResponse(await call(r.remove, { id }));
  return methodNotAllowed(method, `${name}/{uuid}`);
}

async function list(req: Request, { resource: r }: RestRoute, call: Call) {
  const params = new URL(req.url).searchParams;
  const input: Record<string, unknown> = {};
  for (const [key, value] of params) if (key !== "name") input[key] = queryValue(value);
  const name = params.get("name");
  const response = toListResponse(
    await call(r.list!, listInput(r.list!, name === null ? input : byNameInput(r.list!, input, name))),
  );
  if (name === null) return response;
  const results = response.results.filter((item) => field(item, r.nameField) === name);
  return { count: results.length, results };
}

async function findById({ resource: r, name }: RestRoute, id: string, call: Call) {
  const { results } = toListResponse(await call(r.list!, listInput(r.list!, {})));
  const found = results.find((item) => String(field(item, "id")) === id);
  if (!found) throw new AppError("NOT_FOUND", `There is no ${name} with id ${id} in your tenant.`);
  return found;
}

/**
 * A paged list is searched for the name (largest page) so that a lookup by name finds an object
 * beyond the first page; the exact match is filtered after.
 */
function byNameInput(path: string, input: Record<string, unknown>, name: string): Record<string, unknown> {
  const schema = procedureDef(path)?.inputs[0] as { shape?: Record<string, unknown> } | undefined;
  const shape = schema?.shape ?? {};
  return {
    ...input,
    ...("search" in shape ? { search: name } : {}),
    ...("pageSize" in shape ? { pageSize: 100, page: 1 } : {}),
  };
}

/** List procedures without an input get none; those with one get the query's fields. */
function listInput(path: string, input: Record<string, unknown>): Record<string, unknown> | undefined {
  return (procedureDef(path)?.inputs.length ?? 0) > 0 ? input : undefined;
}

function parseBody(bytes: Uint8Array | null): Record<string, unknown> {
  const text = bytes ? Buffer.from(bytes).toString("utf8") : "";
  // Actions often need no fields: an empty body is an empty object.
  if (!text.trim()) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("VALIDATION", "The request body is not valid JSON.");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new AppError("VALIDATION", "The request body must be a JSON object.");
  }
  return parsed as Record<string, unknown>;
}

/** Query strings are text; list inputs want numbers and booleans where they look like them. */
function queryValue(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

function field(item: unknown, key: string): unknown {
  return item && typeof item === "object" ? (item as Record<string, unknown>)[key] : undefined;
}

/** JSON answers are never cached: they carry tenant data behind a credential. */
const HEADERS = { "cache-control": "no-store" };

export function jsonResponse(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: HEADERS });
}

export function methodNotAllowed(method: string, name: string): Response {
  const { body } = errorEnvelope(new AppError("VALIDATION", `${method} is not supported on /api/${name}.`));
  return new Response(body, { status: 405, headers: { ...HEADERS, "content-type": "application/json" } });
}
