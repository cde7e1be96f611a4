import { errorEnvelope } from "@/server/http/error-response";

/**
 * Avi's error body is `{"error": "<message>"}` with the HTTP status; the console's code and field
 * ride along (`code`, `field`) for scripts that want them, under names Avi does not use.
 */
export function aviErrorResponse(error: unknown): Response {
  const { status, body } = errorEnvelope(error);
  const { error: e } = JSON.parse(body) as { error: { code: string; message: string; field: string | null } };
  return new Response(JSON.stringify({ error: e.message, code: e.code, field: e.field }), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}
