import fs from "node:fs";
import path from "node:path";

/** The migration set shipped with the code (drizzle's journal), in order. */
export const MIGRATIONS_FOLDER = path.join(process.cwd(), "server/db/migrations");

export interface MigrationEntry {
  tag: string;
  /** drizzle's folderMillis: the applied rows' created_at, used to tell what is applied. */
  when: number;
}

export interface MigrationLevel {
  /** Migrations applied to the database (0 = empty database). */
  applied: number;
  /** Tag of the last applied migration, or null for an empty database. */
  lastTag: string | null;
  /** Migrations the code ships. */
  known: number;
}

export function journalEntries(folder = MIGRATIONS_FOLDER): MigrationEntry[] {
  const journal = JSON.parse(fs.readFileSync(path.join(folder, "meta", "_journal.json"), "utf8")) as {
    entries: MigrationEntry[];
  };
  return journal.entries.map((e) => ({ tag: e.tag, when: e.when }));
}

/** Any SQL runner: PGlite's query or a pg client's query. */
export type QueryRows = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

/**
 * How far the database is migrated, read the way drizzle's migrator decides (the newest applied
 * created_at): migrations up to it count as applied. A database without drizzle's table is empty.
 */
export async function migrationLevel(query: QueryRows, folder = MIGRATIONS_FOLDER): Promise<MigrationLevel> {
  const entries = journalEntries(folder);
  const exists = await query("select to_regclass('drizzle.__drizzle_migrations') is not null as present");
  let last = 0;
  if (exists.rows[0]?.present) {
    const { rows } = await query("select max(created_at)::text as last from drizzle.__drizzle_migrations");
    last = Number(rows[0]?.last ?? 0);
  }
  const applied = entries.filter((e) => e.when <= last);
  return { applied: applied.length, lastTag: applied.at(-1)?.tag ?? null, known: entries.length };
}
