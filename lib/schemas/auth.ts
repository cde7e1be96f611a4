import { z } from "zod";
import { ROLES } from "@/lib/roles";

export const ZUsername = z
  .string()
  .trim()
  .min(3, "Username must be at least 3 characters.")
  .max(64, "Username must be at most 64 characters.")
  .regex(/^[A-Za-z0-9._@-]+$/, "Username may use letters, digits, dot, dash, underscore and @.");

export const ZNewPassword = z
  .string()
  .min(12, "Password must be at least 12 characters.")
  .max(256, "Password must be at most 256 characters.");

export const ZSetupInput = z
  .object({
    setupToken: z.string().trim().min(1, "Enter the setup token printed in the console's start log."),
    username: ZUsername,
    password: ZNewPassword,
    confirmPassword: z.string(),
  })
  .refine((v) => v.password === v.confirmPassword, {
    path: ["confirmPassword"],
    message: "The two passwords differ.",
  });
export type SetupInput = z.infer<typeof ZSetupInput>;

export const ZLoginInput = z.object({
  username: z.string().trim().min(1, "Enter your username.").max(64),
  password: z.string().min(1, "Enter your password.").max(256),
});
export type LoginInput = z.infer<typeof ZLoginInput>;

export const ZSessionUser = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(ROLES),
  tenantId: z.string(),
  tenantName: z.string(),
});
export type SessionUser = z.infer<typeof ZSessionUser>;

export const ZAuthStatus = z.object({
  setupRequired: z.boolean(),
  user: ZSessionUser.nullable(),
});
