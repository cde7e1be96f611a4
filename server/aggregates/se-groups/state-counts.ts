import { count } from "drizzle-orm";
import type { Db } from "@/server/db";
import { serviceEngines } from "@/server/db/schema";

/** Service engines per state, every tenant (for /metrics). */
export function engineStateCounts(db: Db): Promise<Array<{ state: string; n: number }>> {
  return db
    .select({ state: serviceEngines.state, n: count() })
    .from(serviceEngines)
    .groupBy(serviceEngines.state);
}
