import { asc, eq } from "drizzle-orm";
import type { HsmGroup } from "@/lib/schemas/hsm-group";
import type { Db } from "@/server/db";
import { hsmGroups } from "@/server/db/schema";
import type { Actor } from "../actor";
import { findGroup, toHsmGroup } from "./to-hsm-group";

export async function listHsmGroups(db: Db, actor: Actor): Promise<HsmGroup[]> {
  const rows = await db
    .select()
    .from(hsmGroups)
    .where(eq(hsmGroups.tenantId, actor.tenantId))
    .orderBy(asc(hsmGroups.name));
  return Promise.all(rows.map((row) => toHsmGroup(db, row)));
}

export async function getHsmGroup(db: Db, actor: Actor, id: string): Promise<HsmGroup> {
  return toHsmGroup(db, await findGroup(db, actor.tenantId, id));
}
