import type { Role } from "@/lib/roles";

/**
 * Whether a token of role `wanted` stays within what `owner` may do: the same role, read-only,
 * or anything for an administrator. (security-admin and operator are not ranked: neither
 * includes the other.)
 */
export function roleWithin(wanted: Role, owner: Role): boolean {
  return wanted === owner || wanted === "read-only" || owner === "admin";
}

/** The role a token acts with today: its own, capped by its owner's current role. */
export function effectiveRole(tokenRole: Role, ownerRole: Role): Role {
  return roleWithin(tokenRole, ownerRole) ? tokenRole : "read-only";
}
