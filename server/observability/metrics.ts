import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

/**
 * The console's metrics, one registry per process on globalThis: the series are written from
 * Next's bundle (services, PKCS#11 calls) and read by /metrics in scripts/serve.ts's bundle.
 * Label values come from the console's own names (groups, operations, codes), never from a
 * request's free text, so the series stay bounded.
 */
function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: "hsm_console_" });
  const r = [registry];
  return {
    registry,
    pkcs11Seconds: new Histogram({
      name: "hsm_console_pkcs11_operation_seconds",
      help: "PKCS#11 operation latency (request sent to the worker until its answer), per HSM group, connection, token and operation.",
      labelNames: ["group", "connection", "token", "op", "outcome"] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: r,
    }),
    pkcs11Errors: new Counter({
      name: "hsm_console_pkcs11_errors_total",
      help: "Failed PKCS#11 operations by error code and CKR return value (ckr empty when the token returned none).",
      labelNames: ["group", "op", "code", "ckr"] as const,
      registers: r,
    }),
    pkcs11Timeouts: new Counter({
      name: "hsm_console_pkcs11_timeouts_total",
      help: "PKCS#11 operations that timed out (the worker is then killed and restarted).",
      labelNames: ["group", "connection", "op"] as const,
      registers: r,
    }),
    workerStarts: new Counter({
      name: "hsm_console_pkcs11_worker_starts_total",
      help: "PKCS#11 worker processes started; restart=true after a timeout, crash or idle stop.",
      labelNames: ["group", "connection", "restart"] as const,
      registers: r,
    }),
    hsmLogins: new Counter({
      name: "hsm_console_hsm_logins_total",
      help: "C_Login attempts on HSM partitions by outcome (ok, pin_incorrect, pin_locked, error).",
      labelNames: ["group", "outcome"] as const,
      registers: r,
    }),
    signIns: new Counter({
      name: "hsm_console_sign_ins_total",
      help: "Console sign-ins by outcome (ok, failed, throttled).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    auditEvents: new Counter({
      name: "hsm_console_audit_events_total",
      help: "Audit entries written, by outcome (success, failure, denied).",
      labelNames: ["outcome"] as const,
      registers: r,
    }),
    engines: new Gauge({
      name: "hsm_console_service_engines",
      help: "Service engines per state (read from the database at scrape).",
      labelNames: ["state"] as const,
      registers: r,
    }),
    virtualServices: new Gauge({
      name: "hsm_console_virtual_services",
      help: "Virtual services per state (read from the database at scrape).",
      labelNames: ["state"] as const,
      registers: r,
    }),
    certificateDays: new Gauge({
      name: "hsm_console_certificate_expiry_days",
      help: "Days until an active certificate expires (negative: expired).",
      labelNames: ["tenant", "certificate"] as const,
      registers: r,
    }),
    tlsHandshakes: new Counter({
      name: "hsm_console_vs_tls_handshakes_total",
      help: "Full TLS handshakes (new, not resumed sessions) per virtual service id, from the SE access logs (counted at scrape).",
      labelNames: ["virtual_service"] as const,
      registers: r,
    }),
    tlsErrors: new Counter({
      name: "hsm_console_vs_tls_handshake_errors_total",
      help: "TLS handshakes that failed per virtual service id, from the VS's own nginx error log (counted at scrape).",
      labelNames: ["virtual_service"] as const,
      registers: r,
    }),
    tlsRequests: new Counter({
      name: "hsm_console_vs_requests_total",
      help: "Requests per virtual service id and TLS (true/false), from the SE access logs (counted at scrape).",
      labelNames: ["virtual_service", "tls"] as const,
      registers: r,
    }),
  };
}

export type ConsoleMetrics = ReturnType<typeof create>;

const KEY = Symbol.for("hsm-console.observability.metrics");
type WithMetrics = typeof globalThis & { [KEY]?: ConsoleMetrics };

export function metrics(): ConsoleMetrics {
  const g = globalThis as WithMetrics;
  g[KEY] ??= create();
  return g[KEY];
}

/** A sign-in's outcome (services/auth). */
export function countSignIn(outcome: "ok" | "failed" | "throttled"): void {
  metrics().signIns.inc({ outcome });
}

/** One audit entry written (services/audit). */
export function countAuditEvent(outcome: string): void {
  metrics().auditEvents.inc({ outcome });
}
