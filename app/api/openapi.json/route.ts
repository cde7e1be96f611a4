import { buildOpenApi } from "@/server/rest/openapi";

export const dynamic = "force-dynamic";

/** Public like any API description: it names operations and schemas, never data. */
export function GET(): Response {
  return Response.json(buildOpenApi(), { headers: { "cache-control": "no-cache" } });
}
