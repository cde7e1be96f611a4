import crypto from "node:crypto";
import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { loadGroup } from "@/server/aggregates/hsm-groups";
import { decryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { type hsmGroups, hsmClients, type hsmServers } from "@/server/db/schema";
import { cloneExport, cloneImport } from "@/server/ntls/clone-client";
import {
  cloneTransport,
  HaGroup,
  type HaMember,
  type KeySigner,
  P11_KIT_CLIENT,
  pkcs11,
  type ReplicationTransport,
  wrapTransport,
} from "@/server/pkcs11";
import { consoleNode } from "@/server/hsm/console-node";
import { localSoftHsmEnv } from "@/server/hsm/local-softhsm-env";
import { checkModule } from "@/server/hsm/module-allow-list";
import { ntlsSocketFor } from "@/server/hsm/ntls-connectors";

type GroupRow = typeof hsmGroups.$inferSelect;
type ServerRow = typeof hsmServers.$inferSelect;

export interface HsmMember extends HaMember {
  serverId: string;
  partitionPassword: string;
}

export interface HsmGroupAccess {
  group: GroupRow;
  members: HsmMember[];
  /** HA virtual slot when the group has HA on; otherwise the single member's client. */
  signer: KeySigner;
  ha: HaGroup | null;
}

/** Lab appliances answer clone requests on their admin API (Luna REST's port). */
const LAB_ADMIN_PORT = 8443;

/**
 * Everything a service needs to use a group's HSMs: one PKCS#11 member per server (local module,
 * or network appliance through this node's NTLS connector with its registered client
 * certificate), logged in, and the HA virtual slot when HA is on. Tenant-checked.
 */
export async function openHsmGroup(db: Db, tenantId: string, groupId: string): Promise<HsmGroupAccess> {
  const { group, servers } = await loadGroup(db, tenantId, groupId);
  const identity = isNetworkHsm(group.type) ? await consoleIdentity(db, group) : null;
  const members = await Promise.all(servers.map((server) => memberFor(group, server, identity)));
  await Promise.all(members.map((m) => loginOnce(m)));
  if (!group.isHa || members.length < 2) return { group, members, signer: members[0]!.client, ha: null };
  const ha = new HaGroup({ name: group.name, members, transport: transportFor(group, servers, identity) });
  await ha.enable();
  return { group, members, signer: ha, ha };
}

/** A node's own Local-SoftHSM is a token in that node's data folder: no other node reaches it. */
function assertOnThisNode(group: { name: string; nodeName: string | null }): void {
  if (!group.nodeName || group.nodeName === consoleNode().name) return;
  throw new AppError(
    "CONFLICT",
    `HSM group "${group.name}" is the SoftHSM token of console node ${group.nodeName}; this is node ${consoleNode().name}. Do this through ${group.nodeName}'s console address (Administration > Cluster lists it).`,
  );
}

export interface ClientIdentity {
  certPem: string;
  keyPem: string;
}

export async function consoleIdentity(db: Db, group: GroupRow): Promise<ClientIdentity> {
  const node = consoleNode();
  const [client] = await db
    .select()
    .from(hsmClients)
    .where(
      and(
        eq(hsmClients.groupId, group.id),
        eq(hsmClients.kind, "console"),
        eq(hsmClients.name, node.name),
        isNull(hsmClients.replacedAt),
      ),
    );
  if (!client) {
    throw new AppError(
      "CONFLICT",
      `This console node (${node.name}) has no client certificate for HSM group "${group.name}". Open the group's client certificates page to create and register it.`,
    );
  }
  return { certPem: client.certPem, keyPem: decryptSecret(client.keyEnc, "hsm_clients.key") };
}

export async function memberFor(
  group: GroupRow,
  server: ServerRow,
  identity: ClientIdentity | null,
): Promise<HsmMember> {
  assertOnThisNode(group);
  const partitionPassword = decryptSecret(server.partitionPasswordEnc, "hsm_servers.partition_password");
  const token = {
    label: server.partition,
    ...(server.partitionSerial ? { serial: server.partitionSerial } : {}),
  };
  const name = server.address ? `${server.address}:${server.partition}` : server.partition;
  if (identity) {
    if (!server.address || !server.port || !server.serverCertPem) {
      throw new AppError(
        "CONFLICT",
        `HSM server ${server.position + 1} of "${group.name}" lacks its address or server certificate.`,
      );
    }
    const { socketPath, fingerprint } = await ntlsSocketFor({
      serverId: server.id,
      host: server.address,
      port: server.port,
      serverCertPem: server.serverCertPem,
      clientCertPem: identity.certPem,
      clientKeyPem: identity.keyPem,
    });
    const client = pkcs11({
      group: group.id,
      name: `ntls:${server.id}:${fingerprint.slice(0, 12)}`,
      libraryPath: P11_KIT_CLIENT,
      socketPath,
    });
    return { serverId: server.id, name, client, token, partitionPassword };
  }
  if (!group.moduleLibrary)
    throw new AppError("CONFLICT", `HSM group "${group.name}" has no PKCS#11 library configured.`);
  const env = group.builtIn ? localSoftHsmEnv() : (group.moduleEnv ?? {});
  // Checked again at use: a group saved before the host narrowed its list loads nothing.
  checkModule(group.moduleLibrary, env);
  // Keyed by the group (one process, one login per group), never by library and environment.
  const client = pkcs11({
    group: group.id,
    name: "module",
    libraryPath: group.moduleLibrary,
    env,
  });
  return { serverId: server.id, name, client, token, partitionPassword };
}

/**
 * One C_Login per partition password per process: a password that failed is not tried again
 * until it changes (real HSMs lock the partition after a few failures).
 */
const holder = globalThis as unknown as { __hsmLogins?: Map<string, { digest: string; ok: boolean }> };
holder.__hsmLogins ??= new Map();
const logins = holder.__hsmLogins;

function loginKey(member: HsmMember): string {
  const { group, name } = member.client.connection.spec;
  return `${group ?? ""}/${name}|${member.token.label}`;
}

export async function loginOnce(member: HsmMember): Promise<void> {
  const key = loginKey(member);
  const digest = crypto.createHash("sha256").update(member.partitionPassword).digest("hex");
  const known = logins.get(key);
  if (known?.digest === digest) {
    if (known.ok) return;
    throw new AppError(
      "HSM_PIN_INCORRECT",
      `The partition password for ${member.name} was refused earlier and is not tried again. Correct it in the HSM group.`,
      { field: "partitionPassword" },
    );
  }
  try {
    await member.client.login(member.token, member.partitionPassword);
    logins.set(key, { digest, ok: true });
  } catch (error) {
    if ((error as AppError).code === "HSM_PIN_INCORRECT") logins.set(key, { digest, ok: false });
    throw error;
  }
}

/** Forget login results for a changed server (new password, new certificate). */
export function forgetLogins(): void {
  logins.clear();
}

/** Forget one group's login results: its connections were closed (changed or deleted group). */
export function forgetGroupLogins(groupId: string): void {
  for (const key of logins.keys()) if (key.startsWith(`${groupId}/`)) logins.delete(key);
}

/** Forget one member's login result: an explicit user action (Test connection) tries once again. */
export function forgetLogin(member: HsmMember): void {
  logins.delete(loginKey(member));
}

export function transportFor(
  group: GroupRow,
  servers: ServerRow[],
  identity: ClientIdentity | null,
): ReplicationTransport {
  if (!identity) return wrapTransport(group.cloningKeyLabel ?? "hsm-console-cloning-domain");
  const byName = new Map(servers.map((s) => [`${s.address}:${s.partition}`, s]));
  return cloneTransport({ cloneExport, cloneImport }, (member) => {
    const server = byName.get(member.name);
    if (!server?.address || !server.serverCertPem)
      throw new AppError("CONFLICT", `No appliance for ${member.name}.`);
    return {
      host: server.address,
      port: server.adminApiUrl ? Number(new URL(server.adminApiUrl).port || 443) : LAB_ADMIN_PORT,
      serverCertPem: server.serverCertPem,
      clientCertPem: identity.certPem,
      clientKeyPem: identity.keyPem,
      partition: server.partition,
      password: decryptSecret(server.partitionPasswordEnc, "hsm_servers.partition_password"),
    };
  });
}
