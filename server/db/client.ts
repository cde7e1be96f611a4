import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { lockPgliteFolder } from "@/server/cluster/pglite-lock";
import { maintainPglite, scheduleMaintenance } from "./pglite-maintenance";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Statistics and visibility map now (PGlite; PostgreSQL's autovacuum does it by itself). */
  maintain(): Promise<void>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder (created when missing); "memory://" for an in-memory database. */
  pgliteDir?: string;
}

const MIGRATIONS = path.join(process.cwd(), "server/db/migrations");
/** Any fixed number: every console node takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 7_341_792;

/** Opens the database and applies pending migrations (safe with several nodes on PostgreSQL). */
export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  if (options.url) return openPostgres(options.url);
  return openPglite(options.pgliteDir ?? "memory://");
}

async function openPostgres(url: string): Promise<DbHandle> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new Pool({ connectionString: url, max: 10 });
  const db = drizzle(pool, { schema });
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migrate(drizzle(client, { schema }), { migrationsFolder: MIGRATIONS });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    client.release();
  }
  return { db: db as unknown as Db, kind: "postgres", maintain: async () => {}, close: () => pool.end() };
}

async function openPglite(dir: string): Promise<DbHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  if (dir !== "memory://") fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // One process per folder (cluster: server/cluster/pglite-lock.ts); released on close or failure.
  const lock = dir === "memory://" ? null : lockPgliteFolder(dir);
  const client = await PGlite.create(dir === "memory://" ? undefined : dir).catch((e) => {
    lock?.release();
    throw e;
  });
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS });
  // On-disk databases only: in-memory ones are tests and benchmarks, which call maintain() when
  // they need the state of a maintained database.
  const maintenance = dir === "memory://" ? null : scheduleMaintenance(client);
  await maintenance?.first;
  return {
    db: db as unknown as Db,
    kind: "pglite",
    maintain: () => maintainPglite(client),
    close: async () => {
      maintenance?.stop();
      await client.close();
      lock?.release();
    },
  };
}
