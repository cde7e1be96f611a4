import { asc, count, eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { hsmGroups, hsmServers } from "@/server/db/schema";
import type { Actor } from "@/server/services/actor";

/** The tenant's HSM groups (id, name, type, number of servers) for choosing which one to act on. */
export async function groupChoices(db: Db, actor: Actor) {
  return db
    .select({ id: hsmGroups.id, name: hsmGroups.name, type: hsmGroups.type, servers: count(hsmServers.id) })
    .from(hsmGroups)
    .leftJoin(hsmServers, eq(hsmServers.groupId, hsmGroups.id))
    .where(eq(hsmGroups.tenantId, actor.tenantId))
    .groupBy(hsmGroups.id)
    .orderBy(asc(hsmGroups.name));
}
