import { AppError } from "@/lib/errors";
import { aviUuid, objectRef, objectUrl } from "../ids";
import type { AviCtx, Item, Json } from "./types";

export function wholeList(items: Item[]): { total: number; items: Item[] } {
  return { total: items.length, items };
}

export function findIn(items: Item[], id: string, kind: string): Item {
  const found = items.find((item) => item.id === id);
  if (!found) throw new AppError("NOT_FOUND", `There is no ${kind} with uuid ${kind}-${id} in your tenant.`);
  return found;
}

/** The fields every Avi object carries: uuid, url, name and the tenant it belongs to. */
export function identity(ctx: AviCtx, kind: string, item: { id: string; name: string }): Json {
  return {
    uuid: aviUuid(kind, item.id),
    url: objectUrl(ctx.style, kind, item.id),
    name: item.name,
    tenant_ref: objectRef(ctx.style, "tenant", ctx.tenant.id, ctx.tenant.name),
  };
}
