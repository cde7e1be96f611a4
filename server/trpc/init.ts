import "server-only";
import { TRPCError } from "@trpc/server";
import { type Area, canChange } from "@/lib/roles";
import { errorFields, log } from "@/server/observability/logger";
import type { Actor } from "@/server/services/actor";
import { auditMutations } from "./audit-middleware";
import { refuseControlCharacters } from "./control-characters";
import { toAppError, toTrpcError } from "./errors";
import { t } from "./t";
import { rejectUnknownFields } from "./unknown-fields";

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Services throw AppError; this one place turns them into tRPC errors with the right status. */
const errorConversion = t.middleware(async ({ next, path }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause?.name === "AppError") throw toTrpcError(toAppError(cause));
    if (result.error.code === "INTERNAL_SERVER_ERROR") {
      log("trpc").error({
        ...errorFields(result.error.cause ?? result.error, true),
        path,
        msg: "procedure failed",
      });
    }
  }
  return result;
});

export const publicProcedure = t.procedure
  .use(auditMutations)
  .use(refuseControlCharacters)
  .use(errorConversion)
  .use(rejectUnknownFields);

/** Authenticated and tenant-scoped by construction: ctx.actor exists in every procedure built on it. */
export const protectedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) {
    throw new TRPCError({ code: "UNAUTHORIZED", message: ctx.authRefusal ?? "Sign in to continue." });
  }
  const actor: Actor = {
    userId: ctx.user.id,
    username: ctx.user.username,
    role: ctx.user.role,
    tenantId: ctx.user.tenantId,
    tenantName: ctx.user.tenantName,
    address: ctx.address,
  };
  return next({ ctx: { ...ctx, actor } });
});

/** A protected procedure that also requires the role to change the given area. */
export function changeProcedure(area: Area) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!canChange(ctx.actor.role, area)) {
      throw new TRPCError({
        code: "FORBIDDEN",
        message: `Your role (${ctx.actor.role}) cannot change ${area} settings. Ask an administrator.`,
      });
    }
    return next();
  });
}
