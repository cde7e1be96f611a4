import { and, count, eq, isNull } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type SetupInput, ZSetupInput } from "@/lib/schemas/auth";
import { env } from "@/server/config/env";
import { hashPassword } from "@/server/crypto/passwords";
import { sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { setupTokens, users } from "@/server/db/schema";
import { ensureDefaultTenant } from "../bootstrap/ensure-default-tenant";
import { removeSetupTokenFile, setupRequired } from "./setup-token";
import { clearAttempts, reserveAttempt } from "./throttle";

const ALREADY_SET_UP = "The console is already set up. Sign in instead.";
const BAD_TOKEN =
  "This setup token is not valid. Use the newest token from the start log or the data folder's setup-token file.";

/**
 * First visit: the setup token creates the first administrator, once. Cheap checks come first
 * (setup still open, attempts from this address, the token) so that no caller gets an argon2 hash
 * computed for free; once an account exists setup is shut.
 */
export async function completeSetup(
  db: Db,
  raw: SetupInput,
  address: string | null,
): Promise<{ id: string; username: string }> {
  const input = ZSetupInput.parse(raw);
  if (!(await setupRequired(db))) throw new AppError("CONFLICT", ALREADY_SET_UP);
  const throttle = {
    key: `setup:${address ?? "unknown"}`,
    limit: env().HSM_CONSOLE_SETUP_MAX_FAILURES,
    what: "setup from your address",
  };
  await reserveAttempt(db, [throttle]);
  const tokenHash = sha256Hex(input.setupToken);
  const [open] = await db
    .select({ id: setupTokens.id })
    .from(setupTokens)
    .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)));
  if (!open) throw new AppError("VALIDATION", BAD_TOKEN, { field: "setupToken" });
  const tenantId = await ensureDefaultTenant(db);
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(users);
    if ((existing?.n ?? 0) > 0) throw new AppError("CONFLICT", ALREADY_SET_UP);
    // Marking the token used and creating the user in one transaction: a token works once.
    const used = await tx
      .update(setupTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(setupTokens.tokenHash, tokenHash), isNull(setupTokens.usedAt)))
      .returning({ id: setupTokens.id });
    if (used.length === 0) throw new AppError("VALIDATION", BAD_TOKEN, { field: "setupToken" });
    const [created] = await tx
      .insert(users)
      .values({ tenantId, username: input.username, passwordHash, role: "admin" })
      .returning({ id: users.id, username: users.username });
    return created!;
  });
  await clearAttempts(db, throttle.key);
  removeSetupTokenFile();
  return user;
}
