import { probeVirtualService } from "./probe";
import type { ServiceEngineSpec } from "./types";

export interface HealthOptions {
  /** Time between rounds; default 5000 ms. */
  intervalMs?: number;
  /** Per handshake; default 3000 ms. */
  timeoutMs?: number;
  /** Consecutive failed rounds before the SE counts as broken; default 2. */
  failuresBeforeRestart?: number;
}

export interface HealthMonitor {
  stop(): void;
}

/**
 * Detects a lost HSM connection: after an HSM or p11-kit restart nginx keeps accepting connections
 * but every handshake fails (its PKCS#11 session is gone and it never re-initialises). So each
 * round makes one full TLS handshake per SSL listener (no HTTP: a pool that is down is not an SE
 * failure); a handshake needs a signature by the HSM key, which is exactly what must work.
 */
export function startHealthMonitor(
  spec: ServiceEngineSpec,
  options: HealthOptions,
  onBroken: (reason: string) => void,
): HealthMonitor {
  const interval = options.intervalMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 3000;
  const threshold = options.failuresBeforeRestart ?? 2;
  const targets = spec.virtualServices.flatMap((vs) =>
    vs.ports.filter((p) => p.ssl).map((p) => ({ vs: vs.name, vip: vs.vip, port: p.port })),
  );
  let failures = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;

  const round = async () => {
    if (stopped) return;
    const results = await Promise.all(
      targets.map((t) => probeVirtualService({ vip: t.vip, port: t.port, timeoutMs, http: false })),
    );
    if (stopped) return;
    const failed = results.flatMap((r, i) =>
      r.ok ? [] : [`${targets[i]?.vs} ${targets[i]?.vip}:${targets[i]?.port} ${r.stage} failed: ${r.error}`],
    );
    failures = failed.length > 0 ? failures + 1 : 0;
    if (failures >= threshold) {
      stopped = true;
      onBroken(`TLS handshakes fail (HSM connection lost?): ${failed.join("; ")}`);
      return;
    }
    timer = setTimeout(round, interval);
  };
  if (targets.length > 0) timer = setTimeout(round, interval);
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
