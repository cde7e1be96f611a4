import { and, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmAccessState } from "@/server/db/schema";
import type { AccessStateRow } from "./types";

/** The recorded application-access state of these servers (every node, or one). */
export async function accessStatesOf(
  db: DbOrTx,
  serverIds: string[],
  node?: string,
): Promise<AccessStateRow[]> {
  if (serverIds.length === 0) return [];
  return db
    .select()
    .from(hsmAccessState)
    .where(
      and(inArray(hsmAccessState.serverId, serverIds), ...(node ? [eq(hsmAccessState.node, node)] : [])),
    );
}

/** Application access opened or closed on a server from a node: by whom, when. */
export async function saveAccess(
  db: DbOrTx,
  key: { serverId: string; node: string },
  change: { open: boolean; by: string; at: Date },
): Promise<void> {
  if (!change.open) {
    await db
      .update(hsmAccessState)
      .set({ open: false, closedBy: change.by, closedAt: change.at })
      .where(and(eq(hsmAccessState.serverId, key.serverId), eq(hsmAccessState.node, key.node)));
    return;
  }
  const values = { open: true, openedBy: change.by, openedAt: change.at, closedBy: null, closedAt: null };
  await db
    .insert(hsmAccessState)
    .values({ ...key, ...values })
    .onConflictDoUpdate({ target: [hsmAccessState.serverId, hsmAccessState.node], set: values });
}
