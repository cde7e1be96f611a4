import { and, asc, desc, eq, isNull } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmClients } from "@/server/db/schema";
import type { ClientRow, NewClient } from "./types";

type Order = "created" | "name" | "name-newest-first";

const ORDER = {
  created: [asc(hsmClients.createdAt)],
  name: [asc(hsmClients.name), asc(hsmClients.createdAt)],
  "name-newest-first": [asc(hsmClients.name), desc(hsmClients.createdAt)],
} as const;

/** Every client of the group, replaced certificates included. */
export function clientsOf(db: DbOrTx, groupId: string, order: Order = "created"): Promise<ClientRow[]> {
  return db
    .select()
    .from(hsmClients)
    .where(eq(hsmClients.groupId, groupId))
    .orderBy(...ORDER[order]);
}

/** The group's clients whose certificate is current (not replaced by a rotation). */
export function activeClients(db: DbOrTx, groupId: string): Promise<ClientRow[]> {
  return db
    .select()
    .from(hsmClients)
    .where(and(eq(hsmClients.groupId, groupId), isNull(hsmClients.replacedAt)));
}

/** The current client of that kind (and name, when given), or null. */
export async function activeClient(
  db: DbOrTx,
  groupId: string,
  who: { kind?: ClientRow["kind"]; name?: string },
): Promise<ClientRow | null> {
  const [row] = await db
    .select()
    .from(hsmClients)
    .where(
      and(
        eq(hsmClients.groupId, groupId),
        isNull(hsmClients.replacedAt),
        ...(who.kind ? [eq(hsmClients.kind, who.kind)] : []),
        ...(who.name !== undefined ? [eq(hsmClients.name, who.name)] : []),
      ),
    );
  return row ?? null;
}

/** One client of the group by id, or null. */
export async function clientOf(db: DbOrTx, groupId: string, clientId: string): Promise<ClientRow | null> {
  const [row] = await db
    .select()
    .from(hsmClients)
    .where(and(eq(hsmClients.id, clientId), eq(hsmClients.groupId, groupId)));
  return row ?? null;
}

export async function insertClient(db: DbOrTx, values: NewClient): Promise<ClientRow> {
  const [row] = await db.insert(hsmClients).values(values).returning();
  return row!;
}

export async function updateClient(db: DbOrTx, id: string, values: Partial<NewClient>): Promise<void> {
  await db.update(hsmClients).set(values).where(eq(hsmClients.id, id));
}

export async function deleteClient(db: DbOrTx, id: string): Promise<void> {
  await db.delete(hsmClients).where(eq(hsmClients.id, id));
}
