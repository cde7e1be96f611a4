import path from "node:path";
import { dataDir, env } from "@/server/config/env";
import { type Db, type DbHandle, openDb } from "./client";

export type { Db } from "./client";
export type { DbOrTx, Tx } from "./db-or-tx";

/** One handle per process, kept on globalThis so Next's hot reload does not open PGlite twice. */
const holder = globalThis as unknown as { __hsmConsoleDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  if (!holder.__hsmConsoleDb) {
    const url = env().DATABASE_URL;
    holder.__hsmConsoleDb = openDb(url ? { url } : { pgliteDir: path.join(dataDir(), "pgdata") });
    holder.__hsmConsoleDb.catch(() => {
      holder.__hsmConsoleDb = undefined;
    });
  }
  return holder.__hsmConsoleDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

/** Tests install their own database (a temp PGlite or the throwaway PostgreSQL). */
export function setDbHandleForTests(handle: DbHandle | undefined): void {
  holder.__hsmConsoleDb = handle ? Promise.resolve(handle) : undefined;
}
