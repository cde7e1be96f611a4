import "server-only";
import { AppError } from "@/lib/errors";
import { type Call, dispatch, parseBody } from "@/server/rest/dispatch";
import { callProcedure } from "@/server/rest/procedures";
import { matchRoute } from "@/server/rest/route";
import { contextFrom } from "@/server/trpc/context";
import { type AviGuarded, guardAviRequest } from "./avi-auth";
import { checkTenant } from "./avi-tenant";
import { aviErrorResponse } from "./errors";
import { consoleId, type RefTarget } from "./ids";
import { AVI_KINDS } from "./objects";
import type { AviCtx } from "./objects/types";
import { serveKind } from "./serve-kind";

/**
 * The Avi-compatible API (issue #18): `/api/<kind>[/<uuid>]` for the objects of AVI_KINDS in
 * Avi's shapes, over the same procedures as the console's API; other resources, and actions
 * (`/api/<kind>/<uuid>/<action>`), answer in the console's shapes, with Avi uuids accepted.
 */
export async function handleAviRequest(req: Request): Promise<Response> {
  const url = new URL(req.url);
  const segments = url.pathname.split("/").filter(Boolean).slice(1);
  try {
    const guarded = await guardAviRequest(req);
    await checkTenant(req, guarded);
    const ctx = contextFrom(guarded, new Headers());
    const call: Call = (path, input) => callProcedure(ctx, path, input);
    const kind = AVI_KINDS[segments[0] ?? ""];
    const route = matchRoute(segments);
    // `/api/<kind>/<name>` is a console collection action (e.g. importkeyandcertificate), not a uuid.
    const collectionAction = route?.id ? route.resource.collectionActions?.[route.id] : undefined;
    if (kind && segments.length <= 2 && !collectionAction) {
      return await serveKind(req, kind, segments[1] ?? null, aviCtx(req, guarded, call), () =>
        parseBody(guarded.body),
      );
    }
    if (!route) throw new AppError("NOT_FOUND", `There is no API resource /api/${segments.join("/")}.`);
    // A console route with an Avi uuid (kind-<uuid>) in its id position.
    const id = route.id ? (consoleId(route.name, route.id) ?? route.id) : null;
    const answer = await dispatch(req, { ...route, id }, call, () => parseBody(guarded.body));
    return answer.ok ? answer : aviShaped(answer);
  } catch (error) {
    return aviErrorResponse(error);
  }
}

function aviCtx(req: Request, guarded: AviGuarded, call: Call): AviCtx {
  const params = new URL(req.url).searchParams;
  const ctx: AviCtx = {
    call: (path, input) => call(path, input),
    style: {
      base: baseUrl(req),
      includeName: params.has("include_name") && params.get("include_name") !== "false",
    },
    tenant: { id: guarded.user?.tenantId ?? "", name: guarded.user?.tenantName ?? "" },
    resolve: async (kindName: string, target: RefTarget, field: string) => {
      if ("id" in target) return target.id;
      const kind = AVI_KINDS[kindName]!;
      const { items } = await kind.list(ctx, { page: 1, pageSize: 100, name: target.name });
      const found = items.find((item) => item.name === target.name);
      if (!found)
        throw new AppError(
          "VALIDATION",
          `${field}: there is no ${kindName} named "${target.name}" in your tenant.`,
          { field },
        );
      return found.id;
    },
  };
  return ctx;
}

/** A console error answer in Avi's body, status kept (405 stays 405). */
/**
 * The address the caller used, for `url`, `*_ref` and `next`: the Host header (the console's
 * listener hands requests on with a placeholder origin). It is only ever echoed to that caller.
 */
export function baseUrl(req: Request): string {
  const host = req.headers.get("host");
  return host && /^[A-Za-z0-9.\-:[\]]+$/.test(host) ? `https://${host}` : new URL(req.url).origin;
}

async function aviShaped(answer: Response): Promise<Response> {
  const { error } = (await answer.json()) as {
    error: { code: string; message: string; field: string | null };
  };
  return new Response(JSON.stringify({ error: error.message, code: error.code, field: error.field }), {
    status: answer.status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
