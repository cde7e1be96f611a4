import { and, asc, count, eq, inArray, ne } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, hsmServers, tenants } from "@/server/db/schema";
import { serversOf } from "./servers";
import type { GroupRow, NewGroup, ServerRow } from "./types";

/** The group row, tenant-checked: another tenant's group does not exist. */
export async function findGroup(db: DbOrTx, tenantId: string, id: string): Promise<GroupRow> {
  const [row] = await db
    .select()
    .from(hsmGroups)
    .where(and(eq(hsmGroups.id, id), eq(hsmGroups.tenantId, tenantId)));
  if (!row) throw new AppError("NOT_FOUND", "This HSM group does not exist in your tenant.");
  return row;
}

/**
 * The group (tenant-checked) and its servers by position, for work on its HSMs: a group without
 * servers has nothing to reach (CONFLICT).
 */
export async function loadGroup(
  db: DbOrTx,
  tenantId: string,
  groupId: string,
): Promise<{ group: GroupRow; servers: ServerRow[] }> {
  const group = await findGroup(db, tenantId, groupId);
  const servers = await serversOf(db, group.id);
  if (servers.length === 0)
    throw new AppError("CONFLICT", `HSM group "${group.name}" has no HSM servers. Add one first.`);
  return { group, servers };
}

/** A group by id alone (callers that already checked the tenant, or act for the system). */
export async function groupById(db: DbOrTx, id: string): Promise<GroupRow | null> {
  const [row] = await db.select().from(hsmGroups).where(eq(hsmGroups.id, id));
  return row ?? null;
}

/** Names of these groups (id → name; nulls skipped), any tenant: the caller read the ids from its own rows. */
export async function groupNames(db: DbOrTx, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: hsmGroups.id, name: hsmGroups.name })
    .from(hsmGroups)
    .where(inArray(hsmGroups.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** The tenant's built-in group of that name (the console's own SoftHSM token), if any. */
export async function builtInGroup(db: DbOrTx, name: string, tenantId?: string): Promise<GroupRow | null> {
  const [row] = await db
    .select()
    .from(hsmGroups)
    .where(
      and(
        eq(hsmGroups.name, name),
        eq(hsmGroups.builtIn, true),
        ...(tenantId ? [eq(hsmGroups.tenantId, tenantId)] : []),
      ),
    );
  return row ?? null;
}

/** The tenant's groups, whole rows, by name. */
export function groupsOfTenant(db: DbOrTx, tenantId: string): Promise<GroupRow[]> {
  return db.select().from(hsmGroups).where(eq(hsmGroups.tenantId, tenantId)).orderBy(asc(hsmGroups.name));
}

/** This tenant's HSM groups for a select (no secrets), by name, with their number of servers. */
export function groupChoices(db: DbOrTx, tenantId: string) {
  return db
    .select({ id: hsmGroups.id, name: hsmGroups.name, type: hsmGroups.type, servers: count(hsmServers.id) })
    .from(hsmGroups)
    .leftJoin(hsmServers, eq(hsmServers.groupId, hsmGroups.id))
    .where(eq(hsmGroups.tenantId, tenantId))
    .groupBy(hsmGroups.id)
    .orderBy(asc(hsmGroups.name));
}

/** Whether another group of the tenant has this name. */
export async function nameTaken(
  db: DbOrTx,
  tenantId: string,
  name: string,
  exceptId?: string,
): Promise<boolean> {
  const [taken] = await db
    .select({ id: hsmGroups.id })
    .from(hsmGroups)
    .where(
      and(
        eq(hsmGroups.tenantId, tenantId),
        eq(hsmGroups.name, name),
        ...(exceptId ? [ne(hsmGroups.id, exceptId)] : []),
      ),
    );
  return taken !== undefined;
}

/** Inserts a group; null when its (tenant, name) already exists and `ifMissing` is set. */
export async function insertGroup(db: DbOrTx, values: NewGroup, ifMissing = false): Promise<GroupRow | null> {
  const insert = db.insert(hsmGroups).values(values);
  const [row] = await (ifMissing ? insert.onConflictDoNothing() : insert).returning();
  return row ?? null;
}

export async function updateGroup(db: DbOrTx, id: string, values: Partial<NewGroup>): Promise<GroupRow> {
  const [row] = await db
    .update(hsmGroups)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(hsmGroups.id, id))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "This HSM group does not exist any more.");
  return row;
}

/** Deletes the group; its servers, clients and registrations go with it (cascade). */
export async function deleteGroup(db: DbOrTx, id: string): Promise<void> {
  await db.delete(hsmGroups).where(eq(hsmGroups.id, id));
}

/** The name of the tenant that owns the group (shown with it). */
export async function ownerName(db: DbOrTx, group: Pick<GroupRow, "tenantId">): Promise<string> {
  const [tenant] = await db
    .select({ name: tenants.name })
    .from(tenants)
    .where(eq(tenants.id, group.tenantId));
  return tenant?.name ?? "";
}
