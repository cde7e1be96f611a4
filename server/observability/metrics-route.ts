import { getDb } from "@/server/db";
import { PEER_HEADER } from "@/server/http/peer-address";
import type { WebHandler } from "@/server/http/web-bridge";
import { errorFields, log } from "./logger";
import { metrics } from "./metrics";
import { metricsVerdict } from "./metrics-access";
import { refreshStateGauges } from "./scrape-gauges";
import { countNewLogLines } from "./tls-log-counts";

const REFUSALS = {
  unauthorized: [401, "Send the metrics token: Authorization: Bearer <HSM_CONSOLE_METRICS_TOKEN>."],
  forbidden: [403, "This address may not read the metrics (HSM_CONSOLE_METRICS_ALLOW)."],
  "not-configured": [
    403,
    "Metrics are off: set HSM_CONSOLE_METRICS_TOKEN or HSM_CONSOLE_METRICS_ALLOW on the console.",
  ],
} as const;

/**
 * /metrics: Prometheus text. The client address comes from the console's listener (never a
 * client header); refusals answer 401 (no or wrong token) or 403 (address not allowed, or metrics
 * not configured) before any work.
 */
export const metricsRoute: WebHandler = Object.assign(
  async (req: Request) => {
    const verdict = metricsVerdict(req.headers.get("authorization"), req.headers.get(PEER_HEADER));
    if (verdict !== "allowed") {
      const [status, message] = REFUSALS[verdict];
      return new Response(`${message}\n`, {
        status,
        headers: {
          "content-type": "text/plain; charset=utf-8",
          ...(status === 401 ? { "www-authenticate": 'Bearer realm="metrics"' } : {}),
        },
      });
    }
    try {
      await refreshStateGauges(await getDb());
      countNewLogLines();
    } catch (error) {
      // The counters still answer; the gauges keep their last values.
      log("metrics").warn({ ...errorFields(error), msg: "state gauges not refreshed" });
    }
    const { registry } = metrics();
    return new Response(await registry.metrics(), {
      status: 200,
      headers: { "content-type": registry.contentType, "cache-control": "no-store" },
    });
  },
  { methods: ["GET"] as const },
);
