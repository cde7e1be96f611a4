import { z } from "zod";
import { ROLES, type Role } from "@/lib/roles";
import { ZObjectName } from "./common";
import { ZRole } from "./users";

/** Secrets start with this prefix so that secret scanners and humans recognise them. */
export const API_TOKEN_PREFIX = "hsmc_";
export const API_TOKEN_MAX_DAYS = 365;

export const ZCreateApiTokenInput = z.object({
  name: ZObjectName,
  /** At most the creator's own role (checked by the service). */
  role: ZRole,
  expiresInDays: z
    .number({ message: "Enter a number of days." })
    .int("Enter a whole number of days.")
    .min(1, "A token lives at least 1 day.")
    .max(API_TOKEN_MAX_DAYS, `A token lives at most ${API_TOKEN_MAX_DAYS} days.`),
});
export type CreateApiTokenInput = z.infer<typeof ZCreateApiTokenInput>;

/** The public view: never the secret or its hash. */
export const ZApiToken = z.object({
  id: z.string(),
  name: z.string(),
  role: ZRole,
  username: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  status: z.enum(["active", "expired", "revoked"]),
});
export type ApiToken = z.infer<typeof ZApiToken>;

/** Returned once, by create: the only time the secret leaves the server. */
export const ZCreatedApiToken = ZApiToken.extend({ secret: z.string() });

/**
 * Whether a token of role `wanted` stays within what `owner` may do: the same role, read-only,
 * or anything for an administrator (security-admin and operator do not include each other).
 */
export function roleWithin(wanted: Role, owner: Role): boolean {
  return wanted === owner || wanted === "read-only" || owner === "admin";
}

/** The roles a user may give their tokens, for the form's choices. */
export function tokenRolesFor(owner: Role): Role[] {
  return ROLES.filter((r) => roleWithin(r, owner));
}
