import type { Role } from "@/lib/roles";
import { roleWithin } from "@/lib/schemas/api-tokens";

export { roleWithin };

/** The role a token acts with today: its own, or read-only once its owner lost that role. */
export function effectiveRole(tokenRole: Role, ownerRole: Role): Role {
  return roleWithin(tokenRole, ownerRole) ? tokenRole : "read-only";
}
