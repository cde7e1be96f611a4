import "server-only";
import { AppError } from "@/lib/errors";
import { errorEnvelope } from "@/server/http/error-response";
import { toListResponse } from "./list-items";
import { procedureDef } from "./procedures";
import type { RestRoute } from "./route";

/**
 * The console's REST shapes: a route of the resource table onto its procedure, with the request's
 * body and query. Shared by the console's API and the Avi-compatible one (for the resources and
 * actions that have no Avi shape).
 */
export type Call = (path: string, input: unknown) => Promise<unknown>;
export type Body = () => Record<string, unknown>;

export async function dispatch(req: Request, route: RestRoute, call: Call, body: Body): Promise<Response> {
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

export function parseBody(bytes: Uint8Array | null): Record<string, unknown> {
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
