import fs from "node:fs";
import path from "node:path";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { lockPgliteFolder } from "@/server/cluster/pglite-lock";
import { MIGRATIONS_FOLDER, type MigrationLevel, migrationLevel } from "./migration-level";
import { dumpPglite } from "./pglite-dump";
import { dumpPostgres } from "./postgres-dump";
import { maintainPglite, scheduleMaintenance } from "./pglite-maintenance";
import { snapshotBeforeMigrations } from "./snapshot-before-migrations";
import * as schema from "./schema";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

export interface DbHandle {
  db: Db;
  kind: "pglite" | "postgres";
  /** Statistics and visibility map now (PGlite; PostgreSQL's autovacuum does it by itself). */
  maintain(): Promise<void>;
  /** A consistent copy of the whole database (PGlite data-folder tarball, or pg_dump's SQL). */
  dump(): Promise<Buffer>;
  /** How far the database is migrated against the code's migration set. */
  level(): Promise<MigrationLevel>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  /** PostgreSQL URL; when absent the embedded PGlite is used. */
  url?: string;
  /** PGlite data folder (created when missing); "memory://" for an in-memory database. */
  pgliteDir?: string;
  /** Where a PGlite folder's snapshot before migrations goes; default `snapshots` beside it. */
  snapshotsDir?: string;
  /** Tests open a folder at an older level with a shorter migration set. */
  migrationsFolder?: string;
}

/** Any fixed number: every console node takes the same lock before migrating. */
const MIGRATION_LOCK_ID = 7_341_792;

/** Opens the database and applies pending migrations (safe with several nodes on PostgreSQL). */
export async function openDb(options: OpenDbOptions): Promise<DbHandle> {
  const migrations = options.migrationsFolder ?? MIGRATIONS_FOLDER;
  if (options.url) return openPostgres(options.url, migrations);
  const dir = options.pgliteDir ?? "memory://";
  const snapshots =
    options.snapshotsDir ??
    path.join(path.dirname(path.resolve(/* turbopackIgnore: true */ dir)), "snapshots");
  return openPglite(dir, snapshots, migrations);
}

async function openPostgres(url: string, migrations: string): Promise<DbHandle> {
  const { Pool } = await import("pg");
  const { drizzle } = await import("drizzle-orm/node-postgres");
  const { migrate } = await import("drizzle-orm/node-postgres/migrator");
  const pool = new Pool({ connectionString: url, max: 10 });
  const db = drizzle(pool, { schema });
  const client = await pool.connect();
  try {
    await client.query("select pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migrate(drizzle(client, { schema }), { migrationsFolder: migrations });
  } finally {
    await client.query("select pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    client.release();
  }
  return {
    db: db as unknown as Db,
    kind: "postgres",
    maintain: async () => {},
    dump: () => dumpPostgres(url),
    level: () => migrationLevel((sql) => pool.query(sql), migrations),
    close: () => pool.end(),
  };
}

async function openPglite(dir: string, snapshots: string, migrations: string): Promise<DbHandle> {
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
  if (dir !== "memory://") await snapshotBeforeMigrations(client, snapshots, migrations);
  await migrate(db, { migrationsFolder: migrations });
  // On-disk databases only: in-memory ones are tests and benchmarks, which call maintain() when
  // they need the state of a maintained database.
  const maintenance = dir === "memory://" ? null : scheduleMaintenance(client);
  await maintenance?.first;
  return {
    db: db as unknown as Db,
    kind: "pglite",
    maintain: () => maintainPglite(client),
    dump: () => dumpPglite(client),
    level: () => migrationLevel((sql) => client.query(sql), migrations),
    close: async () => {
      maintenance?.stop();
      await client.close();
      lock?.release();
    },
  };
}
