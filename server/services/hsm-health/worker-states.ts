import type { HsmConnection } from "@/server/pkcs11";

/** A worker that does not say its session counts within this long is shown without them. */
const STATS_TIMEOUT_MS = 2_000;

/**
 * The group's PKCS#11 worker processes as this node runs them. Session counts come from workers
 * that already run (never starts one: an idle-stopped worker stays stopped).
 */
export function workerStates(connections: HsmConnection[]) {
  return Promise.all(
    connections.map(async (c) => {
      const stats = c.running
        ? await c.call("stats", {}, { timeoutMs: STATS_TIMEOUT_MS }).catch(() => null)
        : null;
      return {
        connection: c.spec.name,
        running: c.running,
        pid: c.workerPid ?? null,
        starts: c.starts,
        inFlight: c.inFlight,
        sessions: Object.entries(stats?.sessions ?? {}).map(([partition, s]) => ({
          partition,
          open: s.open,
          idle: s.idle,
        })),
        lastError: c.lastError ?? null,
      };
    }),
  );
}
