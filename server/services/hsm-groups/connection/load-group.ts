import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import type { Db } from "@/server/db";
import { hsmGroups, hsmServers } from "@/server/db/schema";
import { type ClientIdentity, consoleIdentity, type HsmMember, memberFor } from "@/server/hsm/hsm-access";

export type GroupRow = typeof hsmGroups.$inferSelect;
export type ServerRow = typeof hsmServers.$inferSelect;

/** The group (tenant-checked) and its servers in order; NOT_FOUND for another tenant's group. */
export async function loadGroup(
  db: Db,
  tenantId: string,
  groupId: string,
): Promise<{ group: GroupRow; servers: ServerRow[] }> {
  const [group] = await db
    .select()
    .from(hsmGroups)
    .where(and(eq(hsmGroups.id, groupId), eq(hsmGroups.tenantId, tenantId)));
  if (!group) throw new AppError("NOT_FOUND", "This HSM group does not exist in your tenant.");
  const servers = await db
    .select()
    .from(hsmServers)
    .where(eq(hsmServers.groupId, group.id))
    .orderBy(asc(hsmServers.position));
  if (servers.length === 0)
    throw new AppError("CONFLICT", `HSM group "${group.name}" has no HSM servers. Add one first.`);
  return { group, servers };
}

/** How a server is shown: "address:port partition" for appliances, the token label for modules. */
export function serverName(server: ServerRow): string {
  return server.address ? `${server.address}:${server.port ?? 1792} ${server.partition}` : server.partition;
}

/** This node's identity for a network group, or null for a module group. */
export async function identityFor(db: Db, group: GroupRow): Promise<ClientIdentity | null> {
  return isNetworkHsm(group.type) ? consoleIdentity(db, group) : null;
}

/** One member per server, not logged in (the caller decides when to log in). */
export function membersOf(
  group: GroupRow,
  servers: ServerRow[],
  identity: ClientIdentity | null,
): Promise<HsmMember[]> {
  return Promise.all(servers.map((s) => memberFor(group, s, identity)));
}
