import { count } from "drizzle-orm";
import type { Db } from "@/server/db";
import { virtualServices } from "@/server/db/schema";

/** Virtual services per state, every tenant (for /metrics). */
export function virtualServiceStateCounts(db: Db): Promise<Array<{ state: string; n: number }>> {
  return db
    .select({ state: virtualServices.state, n: count() })
    .from(virtualServices)
    .groupBy(virtualServices.state);
}
