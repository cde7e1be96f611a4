import { and, count, eq, isNull } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type SetupInput, ZSetupInput } from "@/lib/schemas/auth";
import { hashPassword } from "@/server/crypto/passwords";
import { sha256Hex } from "@/server/crypto/tokens";
import type { Db } from "@/server/db";
import { setupTokens, users } from "@/server/db/schema";
import { ensureDefaultTenant } from "../bootstrap/ensure-default-tenant";
import { removeSetupTokenFile } from "./setup-token";

/** First visit: the setup token creates the first administrator, once. */
export async function completeSetup(db: Db, raw: SetupInput): Promise<{ id: string; username: string }> {
  const input = ZSetupInput.parse(raw);
  const tenantId = await ensureDefaultTenant(db);
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const [existing] = await tx.select({ n: count() }).from(users);
    if ((existing?.n ?? 0) > 0) {
      throw new AppError("CONFLICT", "The console is already set up. Sign in instead.");
    }
    // Marking the token used and creating the user in one transaction: a token works once.
    const used = await tx
      .update(setupTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(setupTokens.tokenHash, sha256Hex(input.setupToken)), isNull(setupTokens.usedAt)))
      .returning({ id: setupTokens.id });
    if (used.length === 0) {
      throw new AppError(
        "VALIDATION",
        "This setup token is not valid. Use the newest token from the start log or the data folder's setup-token file.",
        { field: "setupToken" },
      );
    }
    const [created] = await tx
      .insert(users)
      .values({ tenantId, username: input.username, passwordHash, role: "admin" })
      .returning({ id: users.id, username: users.username });
    return created!;
  });
  removeSetupTokenFile();
  return user;
}
