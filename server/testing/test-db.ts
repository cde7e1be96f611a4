import crypto from "node:crypto";
import { type DbHandle, openDb } from "@/server/db/client";

export type Backend = "pglite" | "postgres";

/** Backends to run database tests on: PGlite always, PostgreSQL when the test command started one. */
export function backends(): Backend[] {
  return process.env.TEST_DATABASE_URL ? ["pglite", "postgres"] : ["pglite"];
}

/**
 * A fresh, migrated database: in-memory PGlite, or a new database on the throwaway PostgreSQL
 * server (dropped on close) so that test files never see each other's rows.
 */
export async function openTestDb(backend: Backend = "pglite"): Promise<DbHandle> {
  if (backend === "pglite") return openDb({ pgliteDir: "memory://" });
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `t_${crypto.randomBytes(6).toString("hex")}`;
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}
