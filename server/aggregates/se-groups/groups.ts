import { and, asc, eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { HsmType } from "@/lib/hsm-types";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, serviceEngineGroups } from "@/server/db/schema";
import type { NewSeGroup, SeGroupRow } from "./types";

/** The SE group, tenant-checked: another tenant's group does not exist. */
export async function findSeGroup(db: DbOrTx, tenantId: string, id: string): Promise<SeGroupRow> {
  const [row] = await db
    .select()
    .from(serviceEngineGroups)
    .where(and(eq(serviceEngineGroups.id, id), eq(serviceEngineGroups.tenantId, tenantId)));
  if (!row) throw new AppError("NOT_FOUND", "This service engine group does not exist in your tenant.");
  return row;
}

export async function seGroupById(db: DbOrTx, id: string): Promise<SeGroupRow | null> {
  const [row] = await db.select().from(serviceEngineGroups).where(eq(serviceEngineGroups.id, id));
  return row ?? null;
}

export async function seGroupByName(db: DbOrTx, tenantId: string, name: string): Promise<SeGroupRow | null> {
  const [row] = await db
    .select()
    .from(serviceEngineGroups)
    .where(and(eq(serviceEngineGroups.tenantId, tenantId), eq(serviceEngineGroups.name, name)));
  return row ?? null;
}

/** The tenant's SE groups by name, each with its HSM group's name and type (null: none). */
export function seGroupsOfTenant(db: DbOrTx, tenantId: string) {
  return db
    .select({ group: serviceEngineGroups, hsmGroupName: hsmGroups.name, hsmType: hsmGroups.type })
    .from(serviceEngineGroups)
    .leftJoin(hsmGroups, eq(hsmGroups.id, serviceEngineGroups.hsmGroupId))
    .where(eq(serviceEngineGroups.tenantId, tenantId))
    .orderBy(asc(serviceEngineGroups.name));
}

/** Ids of the SE groups that use one HSM group, or any HSM group of these types. */
export async function seGroupIdsUsing(
  db: DbOrTx,
  hsm: { hsmGroupId: string } | { hsmTypes: readonly HsmType[] },
): Promise<string[]> {
  const rows =
    "hsmGroupId" in hsm
      ? await db
          .select({ id: serviceEngineGroups.id })
          .from(serviceEngineGroups)
          .where(eq(serviceEngineGroups.hsmGroupId, hsm.hsmGroupId))
      : await db
          .select({ id: serviceEngineGroups.id })
          .from(serviceEngineGroups)
          .innerJoin(hsmGroups, eq(hsmGroups.id, serviceEngineGroups.hsmGroupId))
          .where(inArray(hsmGroups.type, [...hsm.hsmTypes]));
  return rows.map((r) => r.id);
}

/** The tenant's SE groups that use this HSM group. */
export function tenantSeGroupsUsing(db: DbOrTx, tenantId: string, hsmGroupId: string): Promise<SeGroupRow[]> {
  return db
    .select()
    .from(serviceEngineGroups)
    .where(and(eq(serviceEngineGroups.tenantId, tenantId), eq(serviceEngineGroups.hsmGroupId, hsmGroupId)));
}

/** Inserts the group unless its (tenant, name) exists (several nodes may start at once). */
export async function insertSeGroupIfMissing(db: DbOrTx, values: NewSeGroup): Promise<void> {
  await db.insert(serviceEngineGroups).values(values).onConflictDoNothing();
}

export async function updateSeGroupRow(db: DbOrTx, id: string, values: Partial<NewSeGroup>): Promise<void> {
  await db
    .update(serviceEngineGroups)
    .set({ ...values, updatedAt: new Date() })
    .where(eq(serviceEngineGroups.id, id));
}
