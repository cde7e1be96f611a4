import { and, eq, isNull } from "drizzle-orm";
import type { AppError } from "@/lib/errors";
import type { REGISTRATION_STATES } from "@/lib/hsm-types";
import { decryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { hsmClientRegistrations, hsmClients, hsmServers } from "@/server/db/schema";
import { checkNtlsRegistration } from "@/server/ntls/registration-check";
import type { Actor } from "../actor";
import { findGroup } from "./to-hsm-group";

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
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string; checked: number }> {
  const group = await findGroup(db, actor.tenantId, id);
  const servers = await db.select().from(hsmServers).where(eq(hsmServers.groupId, group.id));
  const clients = await db
    .select()
    .from(hsmClients)
    .where(and(eq(hsmClients.groupId, group.id), isNull(hsmClients.replacedAt)));
  const jobs = clients.flatMap((client) => servers.map((server) => checkClientOnServer(db, client, server)));
  await Promise.all(jobs);
  await dropRegisteredReplacements(db, group.id);
  return { id: group.id, name: group.name, checked: jobs.length };
}

/** Checks one client on one server and records the result (the download page and SE list show it). */
export async function checkClientOnServer(
  db: Db,
  client: typeof hsmClients.$inferSelect,
  server: typeof hsmServers.$inferSelect,
): Promise<{ status: Status; detail: string }> {
  const result = await checkOne(server, client);
  const values = { ...result, checkedAt: new Date() };
  await db
    .insert(hsmClientRegistrations)
    .values({ clientId: client.id, serverId: server.id, ...values })
    .onConflictDoUpdate({
      target: [hsmClientRegistrations.clientId, hsmClientRegistrations.serverId],
      set: values,
    });
  return result;
}

async function checkOne(
  server: typeof hsmServers.$inferSelect,
  client: typeof hsmClients.$inferSelect,
): Promise<{ status: Status; detail: string }> {
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
async function dropRegisteredReplacements(db: Db, groupId: string): Promise<void> {
  const all = await db.select().from(hsmClients).where(eq(hsmClients.groupId, groupId));
  const servers = await db
    .select({ id: hsmServers.id })
    .from(hsmServers)
    .where(eq(hsmServers.groupId, groupId));
  for (const old of all.filter((c) => c.replacedAt)) {
    const current = all.find((c) => !c.replacedAt && c.kind === old.kind && c.name === old.name);
    if (!current) continue;
    const regs = await db
      .select()
      .from(hsmClientRegistrations)
      .where(
        and(eq(hsmClientRegistrations.clientId, current.id), eq(hsmClientRegistrations.status, "registered")),
      );
    if (regs.length >= servers.length) await db.delete(hsmClients).where(eq(hsmClients.id, old.id));
  }
}
