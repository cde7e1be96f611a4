import type { PGlite } from "@electric-sql/pglite";
import { errorFields, log } from "@/server/observability/logger";

/** How often an on-disk PGlite database is vacuumed and analyzed (the console runs for months). */
const INTERVAL_MS = 15 * 60_000;

/**
 * PGlite runs PostgreSQL without its autovacuum daemon. Without statistics the planner guesses
 * every table is tiny and sorts the whole tenant instead of reading the (tenant, expiry) index,
 * and without a visibility map counts cannot use index-only scans: the certificate list with
 * 10,000 rows then costs several times the list with 10. This does what autovacuum does on a
 * PostgreSQL server: VACUUM ANALYZE (a fraction of a second for a console's database).
 */
export async function maintainPglite(client: PGlite): Promise<void> {
  await client.exec("VACUUM ANALYZE");
}

/** At open and then periodically; returns the stop function for close(). */
export function scheduleMaintenance(client: PGlite): { first: Promise<void>; stop: () => void } {
  const run = () =>
    maintainPglite(client).catch((error: unknown) => {
      log("db").error({ ...errorFields(error), msg: "VACUUM ANALYZE failed" });
    });
  const timer = setInterval(run, INTERVAL_MS);
  timer.unref();
  return { first: run(), stop: () => clearInterval(timer) };
}
