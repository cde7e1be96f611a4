import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMasterKey } from "@/server/crypto/master-key";
import { openDb } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { createBackup } from "./create-backup";
import { restoreBackup } from "./restore-backup";

/** PostgreSQL backups (pg_dump) restored into an empty database; runs when `npm test` started one. */
const adminUrl = process.env.TEST_DATABASE_URL;

describe.skipIf(!adminUrl)("backup and restore on PostgreSQL", () => {
  let source: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-pg-backup-"));
  const archive = path.join(work, "pg.tar.gz");
  const target = `r_${Date.now().toString(36)}`;
  const targetUrl = () => {
    const url = new URL(adminUrl!);
    url.pathname = `/${target}`;
    return url.toString();
  };

  async function admin(sql: string): Promise<void> {
    const { Client } = await import("pg");
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    await client.query(sql);
    await client.end();
  }

  beforeAll(async () => {
    data = useTempDataDir();
    source = await openTestDb("postgres");
    await seedUser(source.db, { username: "pg-backup-admin" });
    await admin(`create database ${target}`);
  }, 60_000);

  afterAll(async () => {
    await source?.close();
    await admin(`drop database if exists ${target} with (force)`);
    for (const dir of [data, work]) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("dumps with pg_dump and loads into an empty database, refusing one that holds tables", async () => {
    const manifest = await createBackup({
      handle: source,
      dataDir: data,
      masterKey: loadMasterKey(),
      createdBy: "test",
      out: archive,
      consoleVersion: "test",
    });
    expect(manifest.database).toMatchObject({ kind: "postgres", file: "database/postgres.sql" });
    const input = { archive, masterKey: loadMasterKey(), masterKeyFromEnv: false, force: false };

    await expect(restoreBackup({ ...input, dataDir: path.join(work, "a") })).rejects.toThrow(
      /PostgreSQL database: set DATABASE_URL/,
    );
    const restored = await restoreBackup({
      ...input,
      dataDir: path.join(work, "b"),
      databaseUrl: targetUrl(),
    });
    expect(restored.manifest.database.migrations.applied).toBeGreaterThan(0);
    const handle = await openDb({ url: targetUrl() });
    const rows = await handle.db.select().from(users).where(eq(users.username, "pg-backup-admin"));
    expect(await handle.level()).toEqual(manifest.database.migrations);
    await handle.close();
    expect(rows).toHaveLength(1);

    await expect(
      restoreBackup({ ...input, dataDir: path.join(work, "c"), databaseUrl: targetUrl() }),
    ).rejects.toThrow(/already holds tables/);
    expect(fs.existsSync(path.join(work, "c"))).toBe(false);
  }, 120_000);
});
