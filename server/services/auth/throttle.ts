import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { env } from "@/server/config/env";
import type { Db } from "@/server/db";
import { loginThrottle } from "@/server/db/schema";

/**
 * Attempt counters in the database (every console node sees them), one row per key per window.
 * An attempt is reserved (counted) before the secret is checked, in one statement, so N parallel
 * guesses count N; past the limit the key is locked for a while. A success hands its reservation
 * back. Rows whose window and lock are over are pruned on the next attempt.
 */
export interface ThrottleKey {
  key: string;
  limit: number;
  /** Who is refused, for the message: "this account from your address", ... */
  what: string;
}

/** Counts one attempt on every key, or throws THROTTLED (handing back what it reserved). */
export async function reserveAttempt(db: Db, keys: ThrottleKey[]): Promise<void> {
  await pruneThrottle(db);
  const reserved: string[] = [];
  for (const k of keys) {
    const row = await increment(db, k.key);
    reserved.push(k.key);
    const now = Date.now();
    let lockedUntil = row.lockedUntil?.getTime() ?? 0;
    if (lockedUntil <= now && row.failures > k.limit) {
      lockedUntil = now + env().HSM_CONSOLE_LOGIN_LOCKOUT_SECONDS * 1000;
      await db
        .update(loginThrottle)
        .set({ lockedUntil: new Date(lockedUntil) })
        .where(and(eq(loginThrottle.key, k.key), isNull(loginThrottle.lockedUntil)));
    }
    if (lockedUntil > now) {
      for (const key of reserved.slice(0, -1)) await releaseAttempt(db, key);
      const seconds = Math.ceil((lockedUntil - now) / 1000);
      throw new AppError(
        "THROTTLED",
        `Too many failed sign-in attempts for ${k.what}. Try again in ${seconds} seconds.`,
        { details: { retryAfterSeconds: seconds } },
      );
    }
  }
}

/** A new window starts when the last one is over, or when the lock has run out. */
function increment(db: Db, key: string) {
  const windowMs = env().HSM_CONSOLE_LOGIN_WINDOW_SECONDS * 1000;
  const over = sql`(case when ${loginThrottle.lockedUntil} is null
    then ${loginThrottle.windowStartedAt} < now() - (${windowMs} * interval '1 millisecond')
    else ${loginThrottle.lockedUntil} <= now() end)`;
  return db
    .insert(loginThrottle)
    .values({ key, failures: 1, windowStartedAt: new Date() })
    .onConflictDoUpdate({
      target: loginThrottle.key,
      set: {
        failures: sql`case when ${over} then 1 else ${loginThrottle.failures} + 1 end`,
        windowStartedAt: sql`case when ${over} then now() else ${loginThrottle.windowStartedAt} end`,
        lockedUntil: sql`case when ${over} then null else ${loginThrottle.lockedUntil} end`,
      },
    })
    .returning()
    .then((rows) => rows[0]!);
}

/** The attempt succeeded: it does not count as a failure. */
export async function releaseAttempt(db: Db, key: string): Promise<void> {
  await db
    .update(loginThrottle)
    .set({ failures: sql`greatest(${loginThrottle.failures} - 1, 0)` })
    .where(eq(loginThrottle.key, key));
}

export async function clearAttempts(db: Db, key: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, key));
}

async function pruneThrottle(db: Db): Promise<void> {
  const windowStart = new Date(Date.now() - env().HSM_CONSOLE_LOGIN_WINDOW_SECONDS * 1000);
  await db
    .delete(loginThrottle)
    .where(
      and(
        lt(loginThrottle.windowStartedAt, windowStart),
        or(isNull(loginThrottle.lockedUntil), lt(loginThrottle.lockedUntil, new Date())),
      ),
    );
}
