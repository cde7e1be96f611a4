import { and, count, eq, ne } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type UpdateUserInput, type User, ZUpdateUserInput } from "@/lib/schemas/users";
import { hashPassword } from "@/server/crypto/passwords";
import type { Db, DbOrTx } from "@/server/db";
import { users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { forgetCachedTokens } from "../api-tokens/token-cache";
import { revokeUserSessions } from "../auth/sessions";
import { toUser } from "./to-user";

export async function updateUser(db: Db, actor: Actor, raw: UpdateUserInput): Promise<User> {
  const input = ZUpdateUserInput.parse(raw);
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const updated = await db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, input.id), eq(users.tenantId, actor.tenantId)));
    if (!current) throw new AppError("NOT_FOUND", "This user does not exist in your tenant.");
    const losesAdmin = current.role === "admin" && ((input.role && input.role !== "admin") || input.disabled);
    if (losesAdmin) await assertAnotherAdmin(tx, actor.tenantId, current.id);
    const [row] = await tx
      .update(users)
      .set({
        ...(input.role ? { role: input.role } : {}),
        ...(input.disabled === undefined ? {} : { disabled: input.disabled }),
        ...(passwordHash ? { passwordHash } : {}),
      })
      .where(eq(users.id, current.id))
      .returning();
    return row!;
  });
  // A disabled account, a changed role or a new password ends the user's open sessions; the
  // user's API tokens are read afresh (a token acts with at most its owner's role).
  forgetCachedTokens();
  if (input.disabled || input.role || passwordHash) await revokeUserSessions(db, updated.id);
  return toUser(updated, actor.tenantName);
}

export async function assertAnotherAdmin(db: DbOrTx, tenantId: string, exceptUserId: string): Promise<void> {
  const [row] = await db
    .select({ n: count() })
    .from(users)
    .where(
      and(
        eq(users.tenantId, tenantId),
        eq(users.role, "admin"),
        eq(users.disabled, false),
        ne(users.id, exceptUserId),
      ),
    );
  if ((row?.n ?? 0) === 0) {
    throw new AppError(
      "CONFLICT",
      "This is the tenant's last active administrator. Make another user administrator first.",
    );
  }
}
