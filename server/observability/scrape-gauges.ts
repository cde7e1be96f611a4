import { certificateExpiries } from "@/server/aggregates/certificates";
import { engineStateCounts } from "@/server/aggregates/se-groups";
import { virtualServiceStateCounts } from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import { metrics } from "./metrics";

const DAY_MS = 86_400_000;

/**
 * The gauges read from the database when /metrics is scraped: three small grouped queries
 * (states are few; certificates capped). Every node reports the same cluster-wide numbers.
 */
export async function refreshStateGauges(db: Db, now = Date.now()): Promise<void> {
  const m = metrics();
  const [engines, services, certificates] = await Promise.all([
    engineStateCounts(db),
    virtualServiceStateCounts(db),
    certificateExpiries(db),
  ]);
  m.engines.reset();
  for (const { state, n } of engines) m.engines.set({ state }, Number(n));
  m.virtualServices.reset();
  for (const { state, n } of services) m.virtualServices.set({ state }, Number(n));
  m.certificateDays.reset();
  for (const c of certificates) {
    if (!c.notAfter) continue;
    const days = Math.floor(((c.notAfter.getTime() - now) / DAY_MS) * 10) / 10;
    m.certificateDays.set({ tenant: c.tenant, certificate: c.name }, days);
  }
}
