import { readiness } from "@/server/observability/readiness";
import type { WebHandler } from "./web-bridge";

const PROBE_METHODS = ["GET", "HEAD"] as const;

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", "cache-control": "no-store" },
  });
}

/** /healthz: the process serves requests. Unauthenticated, no I/O. */
export const healthz: WebHandler = Object.assign(
  async () => json(200, { status: "ok", uptimeSeconds: Math.round(process.uptime()) }),
  { methods: PROBE_METHODS },
);

/**
 * /readyz: the console can do its work (database answers, migrations applied, service engines
 * supervised): 200, else 503 with the failing check named. Unauthenticated, so it says only what
 * an operator's load balancer needs: no addresses, versions or names.
 */
export const readyz: WebHandler = Object.assign(
  async () => {
    const { ready, checks } = await readiness();
    return json(ready ? 200 : 503, { status: ready ? "ready" : "not ready", checks });
  },
  { methods: PROBE_METHODS },
);

/** The web routes of this file, for scripts/serve.ts. */
export const healthRoutes: Record<string, WebHandler> = { "/healthz": healthz, "/readyz": readyz };
