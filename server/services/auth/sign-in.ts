import { eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type LoginInput, ZLoginInput } from "@/lib/schemas/auth";
import { dummyPasswordHash, verifyPassword } from "@/server/crypto/passwords";
import type { Db } from "@/server/db";
import { users } from "@/server/db/schema";
import { createSession, type NewSession } from "./sessions";
import { assertNotThrottled, clearAccountFailures, recordFailure, throttleKeys } from "./throttle";

export interface SignInResult {
  session: NewSession;
  user: { id: string; username: string; tenantId: string };
}

/** One message for unknown user, wrong password and disabled account: no username probing. */
const REFUSED = "Wrong username or password.";

export async function signIn(db: Db, raw: LoginInput, address: string | null): Promise<SignInResult> {
  const input = ZLoginInput.parse(raw);
  const keys = throttleKeys(input.username, address);
  await assertNotThrottled(db, keys);
  const [user] = await db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.username})`, input.username.toLowerCase()));
  const ok = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !ok || user.disabled) {
    await recordFailure(db, keys);
    throw new AppError("UNAUTHENTICATED", REFUSED, { field: "password" });
  }
  await clearAccountFailures(db, input.username);
  await db.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
  const session = await createSession(db, user.id, address);
  return { session, user: { id: user.id, username: user.username, tenantId: user.tenantId } };
}
