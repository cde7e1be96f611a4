import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { forgetCachedTokens } from "../api-tokens/token-cache";
import { assertAnotherAdmin } from "./update-user";

export async function deleteUser(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; username: string }> {
  if (id === actor.userId) throw new AppError("CONFLICT", "You cannot delete your own account.");
  const deleted = await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(users)
      .where(and(eq(users.id, id), eq(users.tenantId, actor.tenantId)));
    if (!row) throw new AppError("NOT_FOUND", "This user does not exist in your tenant.");
    if (row.role === "admin") await assertAnotherAdmin(tx, actor.tenantId, row.id);
    await tx.delete(users).where(eq(users.id, row.id));
    return { id: row.id, username: row.username };
  });
  // The user's API tokens went with the row: none may live on in the cache.
  forgetCachedTokens();
  return deleted;
}
