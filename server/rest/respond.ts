import { AppError } from "@/lib/errors";
import { errorEnvelope, errorResponse } from "@/server/http/error-response";

export { errorResponse };

/** JSON answers are never cached: they carry tenant data behind a credential. */
const HEADERS = { "cache-control": "no-store" };

export function jsonResponse(data: unknown, status = 200): Response {
  return Response.json(data, { status, headers: HEADERS });
}

export function methodNotAllowed(method: string, name: string): Response {
  const { body } = errorEnvelope(new AppError("VALIDATION", `${method} is not supported on /api/${name}.`));
  return new Response(body, { status: 405, headers: { ...HEADERS, "content-type": "application/json" } });
}
