import fs from "node:fs";
import path from "node:path";

const RELATIVE = path.join("server", "db", "migrations");

/**
 * The migration set shipped with the code (drizzle's journal). The console runs from the project
 * folder; the CLI's host commands (restore) run from anywhere: then beside this file (sources,
 * ../..) or the compiled CLI (build/, ..). Bundlers may rewrite __dirname (Next): cwd first.
 */
function findMigrations(): string {
  const candidates = [process.cwd(), path.resolve(__dirname, "..", ".."), path.resolve(__dirname, "..")];
  const found = candidates.find((c) => fs.existsSync(path.join(c, RELATIVE, "meta", "_journal.json")));
  return path.join(found ?? process.cwd(), RELATIVE);
}

export const MIGRATIONS_FOLDER = findMigrations();

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
