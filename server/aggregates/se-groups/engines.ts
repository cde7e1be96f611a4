import { and, asc, eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { serviceEngineGroups, serviceEngines } from "@/server/db/schema";
import type { NewSe, SeRow } from "./types";

/** The SEs of these groups, by name. */
export async function enginesOf(db: DbOrTx, groupIds: string | string[]): Promise<SeRow[]> {
  const ids = typeof groupIds === "string" ? [groupIds] : groupIds;
  if (ids.length === 0) return [];
  return db
    .select()
    .from(serviceEngines)
    .where(inArray(serviceEngines.groupId, ids))
    .orderBy(asc(serviceEngines.name));
}

/** The SEs a console node supervises (of one group, when given), by name. */
export function nodeEngines(db: DbOrTx, node: string, groupId?: string): Promise<SeRow[]> {
  const onNode = eq(serviceEngines.nodeName, node);
  return db
    .select()
    .from(serviceEngines)
    .where(groupId ? and(onNode, eq(serviceEngines.groupId, groupId)) : onNode)
    .orderBy(asc(serviceEngines.name));
}

export async function engineById(db: DbOrTx, id: string): Promise<SeRow | null> {
  const [row] = await db.select().from(serviceEngines).where(eq(serviceEngines.id, id));
  return row ?? null;
}

/** An SE by name on one node (SE names are unique). */
export async function engineOnNode(db: DbOrTx, name: string, node: string): Promise<SeRow | null> {
  const [row] = await db
    .select()
    .from(serviceEngines)
    .where(and(eq(serviceEngines.name, name), eq(serviceEngines.nodeName, node)));
  return row ?? null;
}

/** An SE whose group belongs to the tenant, or null. */
export async function engineOfTenant(db: DbOrTx, tenantId: string, id: string): Promise<SeRow | null> {
  const [row] = await db
    .select({ se: serviceEngines })
    .from(serviceEngines)
    .innerJoin(serviceEngineGroups, eq(serviceEngineGroups.id, serviceEngines.groupId))
    .where(and(eq(serviceEngines.id, id), eq(serviceEngineGroups.tenantId, tenantId)));
  return row?.se ?? null;
}

/** Inserts the SE unless its name exists. */
export async function insertEngineIfMissing(db: DbOrTx, values: NewSe): Promise<void> {
  await db.insert(serviceEngines).values(values).onConflictDoNothing();
}

export async function deleteEngines(db: DbOrTx, groupId: string, names: string[]): Promise<void> {
  if (names.length === 0) return;
  await db
    .delete(serviceEngines)
    .where(and(eq(serviceEngines.groupId, groupId), inArray(serviceEngines.name, names)));
}

export async function updateEngine(db: DbOrTx, id: string, values: Partial<NewSe>): Promise<void> {
  await db.update(serviceEngines).set(values).where(eq(serviceEngines.id, id));
}

/**
 * Sets the pending restart reason of every SE of these groups; a running SE shows it at once
 * (state "restart-required" with the reason), as the supervisor would. Returns the SEs marked.
 */
export async function setRestartRequired(db: DbOrTx, groupIds: string[], reason: string): Promise<SeRow[]> {
  if (groupIds.length === 0) return [];
  const marked = await db
    .update(serviceEngines)
    .set({ restartRequiredReason: reason })
    .where(inArray(serviceEngines.groupId, groupIds))
    .returning();
  const running = marked.filter((se) => se.state === "running" || se.state === "restart-required");
  if (running.length > 0)
    await db
      .update(serviceEngines)
      .set({ state: "restart-required", stateReason: reason, stateSince: new Date() })
      .where(
        inArray(
          serviceEngines.id,
          running.map((se) => se.id),
        ),
      );
  return marked;
}

/** Every SE (of one tenant's groups, when given), by name: the cluster page's view per node. */
export async function allEngines(db: DbOrTx, tenantId: string | null): Promise<SeRow[]> {
  const rows = await db
    .select({ se: serviceEngines })
    .from(serviceEngines)
    .innerJoin(serviceEngineGroups, eq(serviceEngineGroups.id, serviceEngines.groupId))
    .where(tenantId ? eq(serviceEngineGroups.tenantId, tenantId) : undefined)
    .orderBy(asc(serviceEngines.name));
  return rows.map((r) => r.se);
}
