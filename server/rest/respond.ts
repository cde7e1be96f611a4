import { AppError } from "@/lib/errors";
import { toAppError } from "@/server/trpc/errors";

/** JSON answers are never cached: they carry tenant data behind a credential. */
const HEADERS = { "cache-control": "no-store" };

export function jsonResponse(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: HEADERS });
}

/** `{ error: { code, message, field } }` with the AppError's status: the UI's codes and messages. */
export function errorResponse(error: unknown): Response {
  const app = toAppError(error);
  if (app.code === "INTERNAL" && !(error instanceof AppError)) console.error("[rest] failed:", error);
  const { code, message, field, details } = app.toJSON();
  return Response.json(
    { error: { code, message, field: field ?? null, ...(details ? { details } : {}) } },
    { status: app.status, headers: HEADERS },
  );
}

export function methodNotAllowed(method: string, name: string): Response {
  return Response.json(
    { error: { code: "VALIDATION", message: `${method} is not supported on /api/${name}.`, field: null } },
    { status: 405, headers: HEADERS },
  );
}
