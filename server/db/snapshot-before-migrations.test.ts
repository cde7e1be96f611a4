import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "./client";
import { journalEntries, MIGRATIONS_FOLDER, migrationLevel } from "./migration-level";
import { loadPgliteDump } from "./pglite-dump";

/** A copy of the migration set that stops after `count` migrations: a database of an older release. */
function olderMigrations(root: string, count: number): string {
  const folder = path.join(root, "older-migrations");
  fs.cpSync(MIGRATIONS_FOLDER, folder, { recursive: true });
  const journalFile = path.join(folder, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalFile, "utf8"));
  journal.entries = journal.entries.slice(0, count);
  fs.writeFileSync(journalFile, JSON.stringify(journal));
  return folder;
}

describe("PGlite snapshot before migrations", () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-snapshot-"));
  const pgdata = path.join(root, "pgdata");
  const snapshots = path.join(root, "snapshots");
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  it("a new database gets no snapshot", async () => {
    const older = olderMigrations(root, journalEntries().length - 2);
    const handle = await openDb({ pgliteDir: pgdata, migrationsFolder: older });
    expect(await handle.level()).toMatchObject({ applied: journalEntries().length - 2 });
    await handle.db.execute("insert into tenants (name) values ('before-upgrade')");
    await handle.close();
    expect(fs.existsSync(snapshots)).toBe(false);
  }, 60_000);

  it("opening a folder behind the code's migrations writes a snapshot first, which loads at the old level", async () => {
    const entries = journalEntries();
    const handle = await openDb({ pgliteDir: pgdata });
    expect(await handle.level()).toEqual({
      applied: entries.length,
      lastTag: entries.at(-1)!.tag,
      known: entries.length,
    });
    await handle.close();
    const files = fs.readdirSync(snapshots);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(
      new RegExp(`^\\d{4}-\\d\\d-\\d\\dT.*-before-${entries.at(-2)!.tag}\\.tar\\.gz$`),
    );
    expect(fs.statSync(path.join(snapshots, files[0]!)).mode & 0o077).toBe(0);

    const restored = path.join(root, "restored");
    await loadPgliteDump(restored, fs.readFileSync(path.join(snapshots, files[0]!)));
    const { PGlite } = await import("@electric-sql/pglite");
    const client = await PGlite.create(restored);
    expect(await migrationLevel((sql) => client.query(sql))).toMatchObject({ applied: entries.length - 2 });
    const { rows } = await client.query<{ name: string }>(
      "select name from tenants where name = 'before-upgrade'",
    );
    expect(rows).toHaveLength(1);
    await client.close();
  }, 120_000);

  it("a folder already at the code's level is opened without a new snapshot", async () => {
    const handle = await openDb({ pgliteDir: pgdata });
    await handle.close();
    expect(fs.readdirSync(snapshots)).toHaveLength(1);
  }, 60_000);
});
