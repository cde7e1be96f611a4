import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmServers } from "@/server/db/schema";
import type { NewServer, ServerRow } from "./types";

/** A group's servers by position (the order members are tried and shown in). */
export function serversOf(db: DbOrTx, groupId: string): Promise<ServerRow[]> {
  return db
    .select()
    .from(hsmServers)
    .where(eq(hsmServers.groupId, groupId))
    .orderBy(asc(hsmServers.position));
}

/** One server of the group, or null (a server id of another group does not count). */
export async function serverOf(db: DbOrTx, groupId: string, serverId: string): Promise<ServerRow | null> {
  const [row] = await db
    .select()
    .from(hsmServers)
    .where(and(eq(hsmServers.id, serverId), eq(hsmServers.groupId, groupId)));
  return row ?? null;
}

export async function insertServers(db: DbOrTx, rows: NewServer[]): Promise<void> {
  if (rows.length > 0) await db.insert(hsmServers).values(rows);
}

export async function updateServer(db: DbOrTx, id: string, values: Partial<NewServer>): Promise<void> {
  await db.update(hsmServers).set(values).where(eq(hsmServers.id, id));
}

/** The same change on every server of a group (the built-in token's serial after re-initialisation). */
export async function updateServersOf(
  db: DbOrTx,
  groupId: string,
  values: Partial<NewServer>,
): Promise<void> {
  await db.update(hsmServers).set(values).where(eq(hsmServers.groupId, groupId));
}

export async function deleteServers(db: DbOrTx, ids: string[]): Promise<void> {
  if (ids.length > 0) await db.delete(hsmServers).where(inArray(hsmServers.id, ids));
}
