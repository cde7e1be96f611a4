import { eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { env } from "@/server/config/env";
import type { Db } from "@/server/db";
import { loginThrottle } from "@/server/db/schema";

/**
 * Failed sign-ins are counted in the database (so every console node sees them) per account
 * and per address. Past the limit within the window the key is locked for a while; a
 * successful sign-in clears the account's counter.
 */
export function throttleKeys(username: string, address: string | null): string[] {
  const keys = [`account:${username.toLowerCase()}`];
  if (address) keys.push(`address:${address}`);
  return keys;
}

export async function assertNotThrottled(db: Db, keys: string[]): Promise<void> {
  const now = Date.now();
  for (const key of keys) {
    const [row] = await db.select().from(loginThrottle).where(eq(loginThrottle.key, key));
    if (row?.lockedUntil && row.lockedUntil.getTime() > now) {
      const seconds = Math.ceil((row.lockedUntil.getTime() - now) / 1000);
      const what = key.startsWith("account:") ? "this account" : "your address";
      throw new AppError(
        "THROTTLED",
        `Too many failed sign-in attempts for ${what}. Try again in ${seconds} seconds.`,
        { details: { retryAfterSeconds: seconds } },
      );
    }
  }
}

export async function recordFailure(db: Db, keys: string[]): Promise<void> {
  const e = env();
  const windowMs = e.HSM_CONSOLE_LOGIN_WINDOW_SECONDS * 1000;
  for (const key of keys) {
    const limit = key.startsWith("account:")
      ? e.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES
      : e.HSM_CONSOLE_LOGIN_MAX_ADDRESS_FAILURES;
    // One statement: concurrent failures on several nodes must all count.
    const [row] = await db
      .insert(loginThrottle)
      .values({ key, failures: 1, windowStartedAt: new Date() })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${loginThrottle.windowStartedAt} < now() - (${windowMs} * interval '1 millisecond') then 1 else ${loginThrottle.failures} + 1 end`,
          windowStartedAt: sql`case when ${loginThrottle.windowStartedAt} < now() - (${windowMs} * interval '1 millisecond') then now() else ${loginThrottle.windowStartedAt} end`,
        },
      })
      .returning();
    if (row && row.failures >= limit) {
      await db
        .update(loginThrottle)
        .set({
          lockedUntil: new Date(Date.now() + e.HSM_CONSOLE_LOGIN_LOCKOUT_SECONDS * 1000),
          failures: 0,
          windowStartedAt: new Date(),
        })
        .where(eq(loginThrottle.key, key));
    }
  }
}

export async function clearAccountFailures(db: Db, username: string): Promise<void> {
  await db.delete(loginThrottle).where(eq(loginThrottle.key, `account:${username.toLowerCase()}`));
}
