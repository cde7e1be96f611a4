import fs from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { getDbHandle } from "@/server/db";
import { currentSupervisor } from "@/server/services/service-engines/supervisor-registry";
import { errorFields, log } from "./logger";

export interface ReadinessCheck {
  name: "database" | "migrations" | "service-engines";
  ok: boolean;
  detail: string;
}

/** A database that does not answer within this long counts as unreachable (the probe stays cheap). */
const DB_TIMEOUT_MS = 2_000;

function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Migrations shipped with this build (drizzle's journal), read once. */
let shipped: number | undefined;
function shippedMigrations(): number {
  if (shipped === undefined) {
    const journal = path.join(process.cwd(), "server/db/migrations/meta/_journal.json");
    shipped = (JSON.parse(fs.readFileSync(journal, "utf8")) as { entries: unknown[] }).entries.length;
  }
  return shipped;
}

async function databaseChecks(): Promise<ReadinessCheck[]> {
  try {
    const { db } = await within(getDbHandle(), DB_TIMEOUT_MS, "the database");
    const rows = await within(
      db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`),
      DB_TIMEOUT_MS,
      "the database",
    );
    const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as Array<{ n: number }>;
    const applied = Number(list[0]?.n ?? 0);
    const want = shippedMigrations();
    return [
      { name: "database", ok: true, detail: "answers" },
      {
        name: "migrations",
        ok: applied >= want,
        detail: `${applied} of ${want} applied`,
      },
    ];
  } catch (error) {
    // The reason may name hosts: logged, not answered to unauthenticated callers.
    log("readiness").warn({ ...errorFields(error), msg: "database not ready" });
    return [
      { name: "database", ok: false, detail: "does not answer (see the console's log)" },
      { name: "migrations", ok: false, detail: "unknown: the database did not answer" },
    ];
  }
}

/**
 * What /readyz reports: the database answers, every migration of this build is applied, and this
 * process supervises its service engines. No HSM call, one small query.
 */
export async function readiness(): Promise<{ ready: boolean; checks: ReadinessCheck[] }> {
  const checks = await databaseChecks();
  const supervising = currentSupervisor() !== null;
  checks.push({
    name: "service-engines",
    ok: supervising,
    detail: supervising ? "supervisor running" : "supervisor not started",
  });
  return { ready: checks.every((c) => c.ok), checks };
}
