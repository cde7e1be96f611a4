import { z } from "zod";
import { ROLES } from "@/lib/roles";
import { ZNewPassword, ZUsername } from "./auth";
import { ZId, ZObjectName } from "./common";

export const ZRole = z.enum(ROLES, { message: "Choose a role." });

export const ZCreateUserInput = z.object({
  username: ZUsername,
  password: ZNewPassword,
  role: ZRole,
  /** Only administrators of the "admin" tenant may create users in another tenant. */
  tenantName: ZObjectName.optional(),
});
export type CreateUserInput = z.infer<typeof ZCreateUserInput>;

export const ZUpdateUserInput = z.object({
  id: ZId,
  role: ZRole.optional(),
  disabled: z.boolean().optional(),
  password: ZNewPassword.optional(),
});
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;

export const ZUser = z.object({
  id: z.string(),
  username: z.string(),
  role: ZRole,
  tenantName: z.string(),
  disabled: z.boolean(),
  createdAt: z.string(),
  lastLoginAt: z.string().nullable(),
});
export type User = z.infer<typeof ZUser>;

export const ZCreateTenantInput = z.object({ name: ZObjectName });
export const ZTenant = z.object({ id: z.string(), name: z.string(), createdAt: z.string() });
