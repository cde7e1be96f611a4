import { AppError } from "@/lib/errors";
import { errorFields, log } from "@/server/observability/logger";
import { toAppError } from "@/server/trpc/errors";

/**
 * The one error envelope of every non-tRPC route (REST, uploads, downloads, refusals at the
 * edge): `{ "error": { "code", "message", "field", "details"? } }` with the code's HTTP status.
 */
export function errorEnvelope(error: unknown): { status: number; body: string } {
  const app = toAppError(error);
  if (app.code === "INTERNAL" && !(error instanceof AppError))
    log("http").error({ ...errorFields(error, true), msg: "request failed" });
  const { code, message, field, details } = app.toJSON();
  const body = { error: { code, message, field: field ?? null, ...(details ? { details } : {}) } };
  return { status: app.status, body: JSON.stringify(body) };
}

export function errorResponse(error: unknown): Response {
  const { status, body } = errorEnvelope(error);
  // Errors carry no tenant data, but are never cached either (they follow a credential check).
  return new Response(body, {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
