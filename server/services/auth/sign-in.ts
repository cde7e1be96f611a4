import { eq, sql } from "drizzle-orm";
import { AppError, isAppError } from "@/lib/errors";
import { type LoginInput, ZLoginInput } from "@/lib/schemas/auth";
import { env } from "@/server/config/env";
import { dummyPasswordHash, verifyPassword } from "@/server/crypto/passwords";
import type { Db } from "@/server/db";
import { users } from "@/server/db/schema";
import { countSignIn } from "@/server/observability/metrics";
import { createSession, type NewSession } from "./sessions";
import { clearAttempts, releaseAttempt, reserveAttempt, type ThrottleKey } from "./throttle";

export interface SignInResult {
  session: NewSession;
  user: { id: string; username: string; tenantId: string };
}

/** One message for unknown user, wrong password and disabled account: no username probing. */
const REFUSED = "Wrong username or password.";

/**
 * Limits per account and address, and per account from everywhere; never per address alone:
 * local users all come from 127.0.0.1, and one address guessing many names must not lock them out.
 * The all-addresses limit is well above what one address can reach between its lockouts, so only
 * guesses from many addresses can lock an account for everyone.
 */
export function signInKeys(username: string, address: string | null): ThrottleKey[] {
  const name = username.toLowerCase();
  const e = env();
  return [
    {
      key: `account-address:${name}|${address ?? "unknown"}`,
      limit: e.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES,
      what: "this account from your address",
    },
    { key: `account:${name}`, limit: e.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_TOTAL_FAILURES, what: "this account" },
  ];
}

export async function signIn(db: Db, raw: LoginInput, address: string | null): Promise<SignInResult> {
  const input = ZLoginInput.parse(raw);
  const [pair, account] = signInKeys(input.username, address);
  // Reserved before the password is checked: parallel guesses each count.
  await reserveAttempt(db, [pair!, account!]).catch((error: unknown) => {
    if (isAppError(error) && error.code === "THROTTLED") countSignIn("throttled");
    throw error;
  });
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.username})`, input.username.toLowerCase()));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || user.disabled) {
    countSignIn("failed");
    throw new AppError("UNAUTHENTICATED", REFUSED, { field: "password" });
  }
  countSignIn("ok");
  await clearAttempts(db, pair!.key);
  await releaseAttempt(db, account!.key);
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  const session = await createSession(db, user.id, address);
  return { session, user: { id: user.id, username: user.username, tenantId: user.tenantId } };
}
