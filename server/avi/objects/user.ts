import { COMMON_READ_ONLY } from "../fields";
import { aviUuid, objectRef, objectUrl } from "../ids";
import { findIn, wholeList } from "./lookup";
import { micros } from "./tenant";
import type { AviKind, Item } from "./types";

/** Avi's User, read-only: the console's users of the caller's tenant with their role. */
export const userKind: AviKind = {
  kind: "user",
  summary: "Users of your tenant (read; manage them without X-Avi-Version or under Administration > Users)",
  rules: { writable: [], readOnly: [...COMMON_READ_ONLY] },
  readOnlyReason: "Users are read here; manage them under Administration > Users or without X-Avi-Version.",
  notes: ["Read-only here: username, is_active, access (role and tenant), last_login_timestamp."],
  list: async (ctx) => wholeList(named((await ctx.call("users.list")) as Item[])),
  get: async (ctx, id) => findIn(named((await ctx.call("users.list")) as Item[]), id, "user"),
  toAvi: (ctx, u) => {
    const tenantRef = objectRef(ctx.style, "tenant", ctx.tenant.id, ctx.tenant.name);
    return {
      uuid: aviUuid("user", u.id),
      url: objectUrl(ctx.style, "user", u.id),
      name: u.username,
      username: u.username,
      is_active: !u.disabled,
      default_tenant_ref: tenantRef,
      access: [{ role_ref: `${ctx.style.base}/api/role?name=${u.role}`, tenant_ref: tenantRef }],
      ...(u.lastLoginAt ? { last_login_timestamp: u.lastLoginAt } : {}),
      _last_modified: micros(u.createdAt as string),
    };
  },
};

function named(users: Item[]): Item[] {
  return users.map((u) => ({ ...u, name: u.username as string }));
}
