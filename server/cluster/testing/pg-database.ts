import crypto from "node:crypto";
import { type DbHandle, openDb } from "@/server/db/client";

/**
 * A fresh database on the throwaway PostgreSQL (TEST_DATABASE_URL), with its URL: the cluster's
 * LISTEN and lock connections are opened from the URL, as a node opens them from DATABASE_URL.
 */
export async function openPgTestDatabase(): Promise<{
  handle: DbHandle;
  url: string;
  drop(): Promise<void>;
}> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error("TEST_DATABASE_URL is not set");
  const name = `c_${crypto.randomBytes(6).toString("hex")}`;
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({ url: url.toString() });
  return {
    handle,
    url: url.toString(),
    async drop() {
      await handle.close();
      const cleanup = new Client({ connectionString: adminUrl });
      await cleanup.connect();
      await cleanup.query(`drop database if exists ${name} with (force)`);
      await cleanup.end();
    },
  };
}

/** Ends every other connection of `application`-less sessions on the database (a lost network). */
export async function terminateConnections(url: string, pids: number[]): Promise<void> {
  const { Client } = await import("pg");
  const admin = new Client({ connectionString: url });
  await admin.connect();
  await admin.query("select pg_terminate_backend(pid) from unnest($1::int[]) as pid", [pids]);
  await admin.end();
}
