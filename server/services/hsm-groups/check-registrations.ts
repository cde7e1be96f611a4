import type { AppError } from "@/lib/errors";
import type { REGISTRATION_STATES } from "@/lib/hsm-types";
import { decryptSecret } from "@/server/crypto/secrets";
import {
  activeClients,
  type ClientRow,
  clientsOf,
  deleteClient,
  findGroup,
  registeredCount,
  type ServerRow,
  saveRegistration,
  serversOf,
} from "@/server/aggregates/hsm-groups";
import type { DbOrTx } from "@/server/db";
import { checkNtlsRegistration } from "@/server/ntls/registration-check";
import type { Actor } from "../actor";

type Status = (typeof REGISTRATION_STATES)[number];

/** The admin API (where the lab answers "whoami") is on the adminApiUrl's port, 8443 by default. */
export function adminPortOf(server: { adminApiUrl: string | null }): number {
  return server.adminApiUrl ? Number(new URL(server.adminApiUrl).port || 443) : 8443;
}

/**
 * "Check now": for each active client and server, asks the appliance whether NTLS would accept
 * this client's certificate (an NTLS refusal carries no reason) and whether the partition is
 * assigned to it. Stores the result per client and server.
 */
export async function checkRegistrations(
  db: DbOrTx,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string; checked: number }> {
  const group = await findGroup(db, actor.tenantId, id);
  const servers = await serversOf(db, group.id);
  const clients = await activeClients(db, group.id);
  const jobs = clients.flatMap((client) => servers.map((server) => checkClientOnServer(db, client, server)));
  await Promise.all(jobs);
  await dropRegisteredReplacements(db, group.id);
  return { id: group.id, name: group.name, checked: jobs.length };
}

/** Checks one client on one server and records the result (the download page and SE list show it). */
export async function checkClientOnServer(
  db: DbOrTx,
  client: ClientRow,
  server: ServerRow,
): Promise<{ status: Status; detail: string }> {
  const result = await checkOne(server, client);
  await saveRegistration(db, { clientId: client.id, serverId: server.id, ...result, checkedAt: new Date() });
  return result;
}

async function checkOne(server: ServerRow, client: ClientRow): Promise<{ status: Status; detail: string }> {
  if (!server.address || !server.serverCertPem)
    return { status: "unreachable", detail: "This HSM has no address or server certificate." };
  try {
    const who = await checkNtlsRegistration({
      host: server.address,
      port: adminPortOf(server),
      serverCertPem: server.serverCertPem,
      clientCertPem: client.certPem,
      clientKeyPem: decryptSecret(client.keyEnc, "hsm_clients.key"),
      timeoutMs: 10_000,
    });
    if (who.partitions.includes(server.partition))
      return {
        status: "registered",
        detail: `Registered as ${who.clientID}; partition ${server.partition} visible.`,
      };
    return {
      status: "no-partition",
      detail: `Registered as ${who.clientID}, but partition ${server.partition} is not assigned. Run: client assignPartition -c ${client.name} -p ${server.partition}`,
    };
  } catch (error) {
    const e = error as AppError;
    if (e.code === "FORBIDDEN" || e.code === "UNAUTHENTICATED")
      return { status: "refused", detail: e.message };
    if (/does not match server\.pem/.test(String(e.message)))
      return {
        status: "unreachable",
        detail: "The appliance presents a certificate other than the pinned server.pem.",
      };
    return { status: "unreachable", detail: e.message ?? String(error) };
  }
}

/** A rotated-out certificate stays listed until its replacement is registered on every server. */
async function dropRegisteredReplacements(db: DbOrTx, groupId: string): Promise<void> {
  const all = await clientsOf(db, groupId);
  const servers = await serversOf(db, groupId);
  for (const old of all.filter((c) => c.replacedAt)) {
    const current = all.find((c) => !c.replacedAt && c.kind === old.kind && c.name === old.name);
    if (!current) continue;
    if ((await registeredCount(db, current.id)) >= servers.length) await deleteClient(db, old.id);
  }
}
