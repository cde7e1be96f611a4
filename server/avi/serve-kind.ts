import { AppError } from "@/lib/errors";
import { checkQuery, withoutPlacement } from "./common-fields";
import { inAviNames } from "./field-names";
import { consoleId } from "./ids";
import type { AviCtx, AviKind, Json } from "./objects/types";
import { pageAnswer, pagingOf } from "./paging";
import { applyPatch } from "./patch";

const HEADERS = { "cache-control": "no-store" };

/**
 * One Avi object type over HTTP: GET (list with `name`, `page`, `page_size`, `next`; or one by
 * uuid), POST (201), PUT (the whole object), PATCH (`add|replace|delete`, then saved as a PUT),
 * DELETE (204, no body, as Ansible's `state: absent` expects).
 */
export async function serveKind(
  req: Request,
  kind: AviKind,
  rawId: string | null,
  ctx: AviCtx,
  body: () => Json,
): Promise<Response> {
  const method = req.method;
  checkQuery(new URL(req.url).searchParams);
  const input = () => withoutPlacement(ctx, body());
  if (!rawId) {
    if (method === "GET") return Response.json(await listAnswer(req, kind, ctx), { headers: HEADERS });
    if (method === "POST" && kind.create) {
      const id = await inAviNames(kind.fieldNames, () => kind.create!(ctx, input()));
      return Response.json(kind.toAvi(ctx, await kind.get(ctx, id)), { status: 201, headers: HEADERS });
    }
    return notAllowed(method, kind, false);
  }
  const id = consoleId(kind.kind, rawId);
  if (!id) throw new AppError("NOT_FOUND", `"${rawId}" is not a ${kind.kind} uuid (${kind.kind}-<uuid>).`);
  if (method === "GET") return Response.json(kind.toAvi(ctx, await kind.get(ctx, id)), { headers: HEADERS });
  if ((method === "PUT" || method === "PATCH") && kind.update) {
    const item = await kind.get(ctx, id);
    const { tenant_ref: _placement, ...current } = kind.toAvi(ctx, item);
    const next = withoutPlacement(ctx, method === "PATCH" ? applyPatch(current, body()) : body());
    await inAviNames(kind.fieldNames, () => kind.update!(ctx, item, next, current));
    return Response.json(kind.toAvi(ctx, await kind.get(ctx, id)), { headers: HEADERS });
  }
  if (method === "DELETE" && kind.remove) {
    await kind.remove(ctx, id);
    return new Response(null, { status: 204, headers: HEADERS });
  }
  return notAllowed(method, kind, true);
}

async function listAnswer(req: Request, kind: AviKind, ctx: AviCtx) {
  const url = new URL(req.url);
  const paging = pagingOf(url.searchParams);
  // `next` names the address the client used (the listener's request URL has a placeholder host).
  const self = new URL(`${url.pathname}${url.search}`, ctx.style.base);
  const name = url.searchParams.get("name") ?? undefined;
  if (name !== undefined) {
    // A lookup by name: exact match, whole objects (the SDKs read uuid and url from results[0]).
    const { items } = await kind.list(ctx, { page: 1, pageSize: 100, name });
    const found = items.filter((item) => item.name === name);
    const full = await Promise.all(found.map((item) => kind.get(ctx, item.id)));
    return { count: full.length, results: full.map((item) => kind.toAvi(ctx, item)) };
  }
  const { total, items, paged } = await kind.list(ctx, paging);
  // Kinds that do not page in the console answer everything: the slice is taken here.
  const start = (paging.page - 1) * paging.pageSize;
  const page = paged ? items : items.slice(start, start + paging.pageSize);
  return pageAnswer(
    self,
    paging,
    total,
    page.map((item) => kind.toAvi(ctx, item)),
  );
}

function notAllowed(method: string, kind: AviKind, member: boolean): Response {
  const where = `/api/${kind.kind}${member ? "/{uuid}" : ""}`;
  const why = kind.readOnlyReason ? ` ${kind.readOnlyReason}` : "";
  const error = `${method} is not supported on ${where}.${why}`;
  return Response.json({ error, code: "METHOD_NOT_ALLOWED", field: null }, { status: 405, headers: HEADERS });
}
