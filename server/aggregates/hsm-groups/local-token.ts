import { and, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { localHsmTokens } from "@/server/db/schema";

type LocalTokenRow = typeof localHsmTokens.$inferSelect;

/** A node's own SoftHSM token behind its built-in group (its PINs, encrypted); node null: one node. */
export async function localToken(
  db: DbOrTx,
  label: string,
  node: string | null,
): Promise<LocalTokenRow | null> {
  const onNode = node === null ? isNull(localHsmTokens.nodeName) : eq(localHsmTokens.nodeName, node);
  const [row] = await db
    .select()
    .from(localHsmTokens)
    .where(and(eq(localHsmTokens.label, label), onNode));
  return row ?? null;
}

/** A single-node token taken over by the node that holds it (first start on shared PostgreSQL). */
export async function claimLocalToken(db: DbOrTx, id: string, node: string): Promise<void> {
  await db
    .update(localHsmTokens)
    .set({ nodeName: node })
    .where(and(eq(localHsmTokens.id, id), isNull(localHsmTokens.nodeName)));
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
