import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { localHsmTokens } from "@/server/db/schema";

type LocalTokenRow = typeof localHsmTokens.$inferSelect;

/** The console's own SoftHSM token behind the built-in group (its PINs, encrypted). */
export async function localToken(db: DbOrTx, label: string): Promise<LocalTokenRow | null> {
  const [row] = await db.select().from(localHsmTokens).where(eq(localHsmTokens.label, label));
  return row ?? null;
}

/** Inserts the token row unless one with its label exists (nodes starting at once). */
export async function insertLocalTokenIfMissing(
  db: DbOrTx,
  values: typeof localHsmTokens.$inferInsert,
): Promise<void> {
  await db.insert(localHsmTokens).values(values).onConflictDoNothing();
}

export async function setLocalTokenSerial(db: DbOrTx, id: string, serial: string): Promise<void> {
  await db.update(localHsmTokens).set({ serial }).where(eq(localHsmTokens.id, id));
}
