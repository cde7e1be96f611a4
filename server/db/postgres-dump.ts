import { execFile } from "node:child_process";
import { promisify } from "node:util";

const run = promisify(execFile);
const MAX_DUMP_BYTES = 2 * 1024 * 1024 * 1024;

/**
 * libpq's variables for the URL: the password travels in the child's environment, never on its
 * command line (other local users see arguments). Query parameters (e.g. `host=/socket/dir`) map
 * to their PG* variable.
 */
function pgEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  const vars: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin" };
  const set = (name: string, value: string | null | undefined) => {
    if (value) vars[name] = decodeURIComponent(value);
  };
  set("PGHOST", u.hostname.replace(/^\[|\]$/g, ""));
  set("PGPORT", u.port);
  set("PGUSER", u.username);
  set("PGPASSWORD", u.password);
  set("PGDATABASE", u.pathname.slice(1));
  for (const [key, value] of u.searchParams) {
    if (/^(host|port|user|password|dbname|sslmode)$/.test(key))
      vars[key === "dbname" ? "PGDATABASE" : `PG${key.toUpperCase()}`] = value;
  }
  return vars as unknown as NodeJS.ProcessEnv;
}

/**
 * PostgreSQL: pg_dump's plain SQL (one REPEATABLE READ snapshot of the whole database, which is
 * what pg_dump does by itself), without owners or grants so it loads into any empty database.
 */
export async function dumpPostgres(url: string): Promise<Buffer> {
  const { stdout } = await run("pg_dump", ["--format=plain", "--no-owner", "--no-privileges"], {
    env: pgEnv(url),
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
      env: pgEnv(url),
      maxBuffer: 16 * 1024 * 1024,
    },
  );
}

/** Tables in the public schema: restore refuses a database that already holds the console's. */
export async function postgresHasTables(url: string): Promise<boolean> {
  const { stdout } = await run(
    "psql",
    ["--no-psqlrc", "-At", "-c", "select count(*) from pg_tables where schemaname in ('public','drizzle')"],
    { env: pgEnv(url) },
  );
  return Number(stdout.trim()) > 0;
}
