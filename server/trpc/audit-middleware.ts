import "server-only";
import { errorFields, log } from "@/server/observability/logger";
import { type AuditOutcome, writeAudit } from "@/server/services/audit/write-audit";
import { toAppError } from "./errors";
import { t } from "./t";

/**
 * Every mutation, whatever its outcome, leaves one audit entry: who, what (the procedure path),
 * which object (id and name from the result or the input), when, and how it ended.
 * Only identifying fields are copied from inputs: they hold passwords and keys.
 */
export const auditMutations = t.middleware(async ({ ctx, type, path, meta, getRawInput, next }) => {
  if (type !== "mutation") return next();
  const result = await next();
  const raw = await getRawInput().catch(() => undefined);
  const data = result.ok ? result.data : undefined;
  let outcome: AuditOutcome = "success";
  let detail: Record<string, unknown> | null = ctx.auditSubject.detail ?? null;
  if (!result.ok) {
    const app = toAppError(result.error);
    outcome =
      app.code === "UNAUTHENTICATED" || app.code === "FORBIDDEN" || app.code === "THROTTLED"
        ? "denied"
        : "failure";
    detail = { code: app.code, message: app.message };
  }
  const attempted = path === "auth.login" || path === "auth.setup" ? stringField(raw, "username") : null;
  try {
    await writeAudit(ctx.db, {
      tenantId: ctx.user?.tenantId ?? ctx.auditSubject.tenantId ?? null,
      actorId: ctx.user?.id ?? ctx.auditSubject.actorId ?? null,
      actorName:
        ctx.user?.username ??
        ctx.auditSubject.actorName ??
        (attempted ? `${attempted} (not signed in)` : "anonymous"),
      address: ctx.address,
      action: path,
      objectType: meta?.objectType ?? path.split(".")[0] ?? null,
      objectId: stringField(data, "id") ?? stringField(raw, "id"),
      objectName:
        stringField(data, "name") ??
        stringField(data, "username") ??
        stringField(raw, "name") ??
        stringField(raw, "username"),
      outcome,
      detail,
    });
  } catch (error) {
    log("audit").error({ ...errorFields(error, true), path, msg: "could not record" });
  }
  return result;
});

function stringField(value: unknown, key: string): string | null {
  if (!value || typeof value !== "object") return null;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === "string" && field.length <= 200 ? field : null;
}
