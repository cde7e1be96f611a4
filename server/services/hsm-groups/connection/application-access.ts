import type { AccessResult } from "@/lib/schemas/hsm-group-actions";
import type { Db } from "@/server/db";
import { closeConnection } from "@/server/pkcs11";
import type { Actor } from "@/server/services/actor";
import { consoleNode } from "@/server/hsm/console-node";
import { forgetLogin, type HsmMember, loginOnce } from "@/server/hsm/hsm-access";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";
import { accessStatesOf, loadGroup, type ServerRow, saveAccess } from "@/server/aggregates/hsm-groups";
import { identityFor, membersOf, serverName } from "./group-members";

const DRAIN_LIMIT_MS = 30_000;

/** The recorded application-access state of every server of the group, for every node. */
export async function accessState(db: Db, actor: Actor, groupId: string): Promise<AccessResult> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  return { id: group.id, name: group.name, states: await statesOf(db, servers), notes: [] };
}

/**
 * sautil -o: log this node in to every partition of the group (one C_Login per partition for this
 * click) and record who opened it, from which node, since when. "Already open" is a note.
 */
export async function openAccess(db: Db, actor: Actor, groupId: string): Promise<AccessResult> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  const members = await membersOf(group, servers, await identityFor(db, group));
  const node = consoleNode().name;
  const current = await rowsFor(db, servers, node);
  const notes: string[] = [];
  for (const [i, member] of members.entries()) {
    const server = servers[i] as ServerRow;
    const row = current.get(server.id);
    if (row?.open) {
      notes.push(
        `${serverName(server)}: application access was already open (since ${row.openedAt?.toISOString()}, by ${row.openedBy}).`,
      );
    } else forgetLogin(member); // an explicit open is the user's retry after a refused password
    await loginOnce(member);
  }
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const server of servers) {
      if (current.get(server.id)?.open) continue;
      await saveAccess(tx, { serverId: server.id, node }, { open: true, by: actor.username, at: now });
    }
  });
  return { id: group.id, name: group.name, states: await statesOf(db, servers), notes };
}

/**
 * sautil -c: waits for in-flight work on each member connection to finish, then closes the
 * connection (its sessions end, so the login ends) and records who closed it.
 */
export async function closeAccess(db: Db, actor: Actor, groupId: string): Promise<AccessResult> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  const members = await membersOf(group, servers, await identityFor(db, group).catch(() => null)).catch(
    () => [] as HsmMember[],
  );
  const node = consoleNode().name;
  const current = await rowsFor(db, servers, node);
  const notes: string[] = [];
  for (const member of members) {
    await drain(member);
    forgetLogin(member);
    await closeConnection(member.client.connection.spec.name, member.client.connection.spec.group);
    await closeNtlsConnector(member.serverId);
  }
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const server of servers) {
      if (!current.get(server.id)?.open) {
        notes.push(`${serverName(server)}: application access was not open.`);
        continue;
      }
      await saveAccess(tx, { serverId: server.id, node }, { open: false, by: actor.username, at: now });
    }
  });
  return { id: group.id, name: group.name, states: await statesOf(db, servers), notes };
}

async function drain(member: HsmMember): Promise<void> {
  const until = Date.now() + DRAIN_LIMIT_MS;
  while (member.client.connection.inFlight > 0 && Date.now() < until) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function rowsFor(db: Db, servers: ServerRow[], node: string) {
  const rows = await accessStatesOf(
    db,
    servers.map((s) => s.id),
    node,
  );
  return new Map(rows.map((r) => [r.serverId, r]));
}

async function statesOf(db: Db, servers: ServerRow[]): Promise<AccessResult["states"]> {
  const rows = await accessStatesOf(
    db,
    servers.map((s) => s.id),
  );
  const node = consoleNode().name;
  return servers.map((server) => {
    const row =
      rows.find((r) => r.serverId === server.id && r.node === node) ??
      rows.find((r) => r.serverId === server.id);
    return {
      serverId: server.id,
      server: serverName(server),
      open: row?.open ?? false,
      node: row?.node ?? null,
      openedBy: row?.openedBy ?? null,
      since: row?.open ? (row.openedAt?.toISOString() ?? null) : null,
      closedBy: row?.closedBy ?? null,
      closedAt: row?.closedAt?.toISOString() ?? null,
    };
  });
}
