import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * PostgreSQL: pg_dump's plain SQL (one REPEATABLE READ snapshot of the whole database, which is
 * what pg_dump does by itself), without owners or grants so it loads into any empty database.
 * The URL goes in the environment, not the command line (other local users see arguments).
 */
export async function dumpPostgres(url: string): Promise<Buffer> {
  const { stdout } = await run("pg_dump", ["--format=plain", "--no-owner", "--no-privileges"], {
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PGDATABASE: url },
    encoding: "buffer",
    maxBuffer: MAX_DUMP_BYTES,
  });
  return stdout;
}

/** Loads such a dump into an empty database, all or nothing (one transaction, stop at the first error). */
export async function loadPostgresDump(url: string, sqlFile: string): Promise<void> {
  await run(
    "psql",
    ["--no-psqlrc", "--quiet", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", sqlFile],
    {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PGDATABASE: url },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** Tables in the public schema: restore refuses a database that already holds the console's. */
export async function postgresHasTables(url: string): Promise<boolean> {
  const { stdout } = await run(
    "psql",
    ["--no-psqlrc", "-At", "-c", "select count(*) from pg_tables where schemaname in ('public','drizzle')"],
    { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", PGDATABASE: url } },
  );
  return Number(stdout.trim()) > 0;
}
