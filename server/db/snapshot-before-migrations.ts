import fs from "node:fs";
import path from "node:path";
import type { PGlite } from "@electric-sql/pglite";
import { journalEntries, migrationLevel } from "./migration-level";
import { dumpPglite } from "./pglite-dump";
import { log } from "@/server/observability/logger";

/**
 * Before the code's newer migrations change an existing PGlite database, its current state is
 * written to <snapshots>/<date>-before-<first pending migration>.tar.gz (a PGlite data-folder
 * tarball: `PGlite.create(dir, { loadDataDir })` or `hsm-console restore` of a backup brings it
 * back). Returns the file, or null when nothing is pending or the database is new.
 */
export async function snapshotBeforeMigrations(
  client: PGlite,
  snapshotsDir: string,
  migrationsFolder: string,
): Promise<string | null> {
  const level = await migrationLevel((sql) => client.query(sql), migrationsFolder);
  if (level.applied === 0 || level.applied >= level.known) return null;
  const next = journalEntries(migrationsFolder)[level.applied]!.tag;
  fs.mkdirSync(snapshotsDir, { recursive: true, mode: 0o700 });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(snapshotsDir, `${stamp}-before-${next}.tar.gz`);
  fs.writeFileSync(file, await dumpPglite(client), { mode: 0o600, flag: "wx" });
  log("database").info(
    `database at migration ${level.lastTag} (${level.applied} of ${level.known}): snapshot before migrating written to ${file}`,
  );
  return file;
}
