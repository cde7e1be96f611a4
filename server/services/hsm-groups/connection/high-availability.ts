import { AppError } from "@/lib/errors";
import type { HaStatus } from "@/lib/schemas/hsm-group-actions";
import type { Db } from "@/server/db";
import {
  assertCustody,
  CLONEABLE_MEANING,
  HaGroup,
  type ReplicationReport,
  toAppError,
} from "@/server/pkcs11";
import type { Actor } from "@/server/services/actor";
import { type HsmMember, loginOnce, openHsmGroup, transportFor } from "@/server/hsm/hsm-access";
import { HEALTH_CHECK_LABEL } from "./health-check-key";
import {
  type GroupRow,
  loadGroup,
  type ServerRow,
  updateGroup,
  updateServer,
} from "@/server/aggregates/hsm-groups";
import { identityFor, membersOf, serverName } from "./group-members";

/** Members' state, keys missing on each member, and why HA cannot be used if it cannot. */
export async function haStatus(db: Db, actor: Actor, groupId: string): Promise<HaStatus> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  return statusOf(db, group, servers, []);
}

/**
 * "Set up HA": needs two or more servers whose members can replicate (HaGroup.enable() explains
 * otherwise) and, where a member would make HA keys cloneable, the admin's explicit
 * `allowCloneable`; sets is_ha and ha_group_num = "1" + the first member's partition serial.
 */
export async function setUpHa(
  db: Db,
  actor: Actor,
  groupId: string,
  opts: { allowCloneable?: boolean } = {},
): Promise<HaStatus> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  if (servers.length < 2) {
    throw new AppError(
      "VALIDATION",
      `HA needs at least two HSM servers; "${group.name}" has ${servers.length}. Add an HSM first.`,
      {
        field: "isHa",
      },
    );
  }
  const identity = await identityFor(db, group);
  const members = await membersOf(group, servers, identity);
  for (const m of members) await loginOnce(m);
  const ha = new HaGroup({ name: group.name, members, transport: transportFor(group, servers, identity) });
  await ha.enable();
  assertCustody(await ha.measureCustody(), opts);
  const serial = await firstSerial(db, servers[0] as ServerRow, members[0] as HsmMember);
  const updated = await updateGroup(db, group.id, { isHa: true, haGroupNum: `1${serial}` });
  return statusOf(db, updated, servers, []);
}

/** "Synchronise": copies keys missing on a member from a member that can export them (never deletes). */
export async function synchronise(db: Db, actor: Actor, groupId: string): Promise<HaStatus> {
  const { group, servers } = await loadGroup(db, actor.tenantId, groupId);
  if (!group.isHa) throw new AppError("CONFLICT", `HA is not set up for "${group.name}". Set up HA first.`);
  const access = await openHsmGroup(db, actor.tenantId, groupId);
  const reports = access.ha ? await access.ha.resync() : [];
  return statusOf(db, group, servers, reports);
}

async function firstSerial(db: Db, server: ServerRow, member: HsmMember): Promise<string> {
  if (server.partitionSerial) return server.partitionSerial;
  const slots = await member.client.listSlots();
  const serial = slots.find((s) => s.token?.label === server.partition)?.token?.serial;
  if (!serial)
    throw new AppError(
      "HSM_TOKEN_NOT_PRESENT",
      `Partition ${server.partition} is not visible on ${serverName(server)}.`,
    );
  await updateServer(db, server.id, { partitionSerial: serial });
  return serial;
}

async function statusOf(
  db: Db,
  group: GroupRow,
  servers: ServerRow[],
  reports: ReplicationReport[],
): Promise<HaStatus> {
  const base = {
    id: group.id,
    name: group.name,
    isHa: group.isHa,
    haGroupNum: group.haGroupNum,
    serverCount: servers.length,
    cloneableMembers: [] as string[],
    cloneableMeaning: CLONEABLE_MEANING,
    replicated: reports.map((r) => ({
      idHex: r.idHex,
      to: r.replicatedTo,
      failed: r.failed.map((f) => `${f.member}: ${f.error}`),
    })),
  };
  if (servers.length < 2) {
    return { ...base, members: [], problem: "HA needs at least two HSM servers in the group." };
  }
  let members: HsmMember[];
  let problem: string | null = null;
  let identity: Awaited<ReturnType<typeof identityFor>> = null;
  try {
    identity = await identityFor(db, group);
    members = await membersOf(group, servers, identity);
    await Promise.all(members.map((m) => loginOnce(m).catch(() => undefined)));
    problem = (await transportFor(group, servers, identity).check(members)) ?? null;
  } catch (error) {
    return { ...base, members: [], problem: toAppError(error).message };
  }
  const ha = new HaGroup({ name: group.name, members, transport: transportFor(group, servers, identity) });
  const health = await ha.health();
  const custody = problem ? [] : await ha.measureCustody().catch(() => []);
  const inventory = await Promise.all(
    members.map((m) =>
      m.client
        .findKeys(m.token)
        .then((keys) => keys.filter((k) => k.label !== HEALTH_CHECK_LABEL))
        .catch(() => null),
    ),
  );
  // A key can be copied only from a replicable original (extractable under a trusted key only).
  const all = new Map<string, string>();
  for (const k of inventory.flatMap((keys) => keys ?? [])) {
    const name = `${k.label} (${k.idHex})`;
    if (k.extractable && k.wrapWithTrusted) all.set(k.idHex, name);
    else if (!all.has(k.idHex)) all.set(k.idHex, `${name}: not replicable (created outside HA)`);
  }
  return {
    ...base,
    problem: problem ? `HA cannot be enabled: ${problem}` : null,
    // measureCustody answers in member order: name them as the table does.
    cloneableMembers: custody.flatMap((c, i) => (c.cloneable ? [serverName(servers[i] as ServerRow)] : [])),
    members: health.map((h, i) => ({
      server: serverName(servers[i] as ServerRow),
      reachable: h.reachable,
      loggedIn: h.loggedIn,
      latencyMs: Math.round(h.latencyMs * 10) / 10,
      lastError: h.lastError ?? null,
      missingKeys: inventory[i]
        ? [...all].filter(([idHex]) => !inventory[i]?.some((k) => k.idHex === idHex)).map(([, name]) => name)
        : [],
    })),
  };
}
