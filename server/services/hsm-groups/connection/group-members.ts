import { isNetworkHsm } from "@/lib/hsm-types";
import type { GroupRow, ServerRow } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { type ClientIdentity, consoleIdentity, type HsmMember, memberFor } from "@/server/hsm/hsm-access";

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
