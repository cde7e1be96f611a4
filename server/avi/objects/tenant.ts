import { COMMON_READ_ONLY } from "../fields";
import { aviUuid, objectUrl } from "../ids";
import { findIn, wholeList } from "./lookup";
import type { AviKind, Item } from "./types";

/** Avi's Tenant: the tenants the caller may see (all of them for the admin tenant). */
export const tenantKind: AviKind = {
  kind: "tenant",
  summary: "Tenants (read; create with the console's own shape)",
  rules: { writable: [], readOnly: [...COMMON_READ_ONLY, "name", "local", "description"] },
  readOnlyReason:
    "Tenants are read here; create them under Administration > Tenants or without X-Avi-Version.",
  notes: ["Read-only here. The admin tenant's administrators see every tenant; others their own."],
  list: async (ctx) => wholeList((await ctx.call("tenants.list")) as Item[]),
  get: async (ctx, id) => findIn((await ctx.call("tenants.list")) as Item[], id, "tenant"),
  toAvi: (ctx, t) => ({
    uuid: aviUuid("tenant", t.id),
    url: objectUrl(ctx.style, "tenant", t.id),
    name: t.name,
    local: true,
    _last_modified: micros(t.createdAt as string),
  }),
};

/** Avi's `_last_modified`: microseconds since the epoch, as a string. */
export function micros(iso: string | null | undefined): string | undefined {
  return iso ? `${new Date(iso).getTime() * 1000}` : undefined;
}
