import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { AppError } from "@/lib/errors";
import { decryptSecret } from "@/server/crypto/secrets";
import type { HsmAccess } from "@/server/dataplane";
import {
  activeClient,
  type ClientRow,
  type GroupRow,
  type ServerRow,
  serversOf,
} from "@/server/aggregates/hsm-groups";
import type { SeRow } from "@/server/aggregates/se-groups";
import type { Db } from "@/server/db";
import { addTrustedClient } from "../hsm-groups/add-trusted-client";
import { checkClientOnServer } from "../hsm-groups/check-registrations";
import { consoleNode } from "@/server/hsm/console-node";
import { presentedCertificate } from "../hsm-groups/server-cert-probe";
import { seDataDir } from "./se-folder";
import { currentSeMember, ensureSeNtls, seNtlsSocketPath } from "./se-ntls";

/** A member answers when its NTLS front presents the pinned server.pem within this time. */
const PROBE_TIMEOUT_MS = 2_000;

/**
 * The address an SE registers with. Appliances refuse a second client with the same IP (as Luna
 * does), and an SE on the console's own host shares its address: that SE registers by host name.
 */
export function seClientAddress(se: Pick<SeRow, "name" | "managementIp">): string {
  const ip = se.managementIp ?? "";
  return isIP(ip) && ip !== consoleNode().ip ? ip : se.name;
}

/** The SE's own client of the group (Avi's node_info for an SE): made on first use. */
export async function ensureSeClient(db: Db, groupId: string, se: Pick<SeRow, "name" | "managementIp">) {
  await addTrustedClient(db, groupId, { name: se.name, ip: seClientAddress(se) });
  const client = await activeClient(db, groupId, { kind: "service-engine", name: se.name });
  if (!client) throw new AppError("CONFLICT", `Service engine ${se.name} has no client certificate.`);
  return client;
}

/** One member the SE may use: its access (own NTLS link), its partition (key URIs name it), its name for people. */
export interface MemberAccess {
  access: HsmAccess;
  tokenLabel: string;
  member: string;
  /** Asks the appliance whether it refuses this SE ("client not registered (…)"), else null. */
  whyRefused: () => Promise<string | null>;
}

/**
 * "restart": the member in use first (a healthy link is never moved), registration asked before.
 * "recover": the member in use failed us, so it goes last; registration is asked only of a member
 * that then fails (one HTTPS round trip less in the failover window).
 */
export type MemberMode = "restart" | "recover";

/**
 * How an SE reaches a network HSM group: its own NTLS connector to one member. Yields the members
 * that answer with the pinned certificate and accept the SE, in order (see MemberMode), lazily (a member is probed only when the previous one was not
 * taken). Each member passed over is pushed to `refused` with its cause ("HSM unreachable",
 * "client not registered"); the caller adds its own (key not found, partition locked).
 */
export async function* networkHsmMembers(
  db: Db,
  group: GroupRow,
  se: SeRow,
  refused: string[],
  mode: MemberMode = "restart",
): AsyncGenerator<MemberAccess> {
  const client = await ensureSeClient(db, group.id, se);
  const servers = await serversOf(db, group.id);
  if (servers.length === 0) throw new AppError("CONFLICT", `HSM group "${group.name}" has no HSM servers.`);
  const current = currentSeMember(se.name);
  const rank = (id: string) => (id === current ? (mode === "restart" ? -1 : 1) : 0);
  const ordered = [...servers].sort((a, b) => rank(a.id) - rank(b.id));
  for (const server of ordered) {
    const name = memberName(server);
    const down = await unreachable(server);
    if (down) {
      refused.push(`${name}: HSM unreachable (${down.replace(/\.$/, "")})`);
      continue;
    }
    const whyRefused = async () => {
      const refusal = await notRegistered(db, client, server);
      return refusal && `client not registered (${refusal.replace(/\.$/, "")})`;
    };
    if (mode === "restart") {
      const refusal = await whyRefused();
      if (refusal) {
        refused.push(`${name}: ${refusal}`);
        continue;
      }
    }
    const target = {
      seName: se.name,
      seDataDir: seDataDir(se.name),
      serverId: server.id,
      host: server.address!,
      port: server.port!,
      serverCertPem: server.serverCertPem!,
      clientCertPem: client.certPem,
      clientKeyPem: decryptSecret(client.keyEnc, "hsm_clients.key"),
    };
    yield {
      access: {
        kind: "socket",
        socketPath: seNtlsSocketPath(target.seDataDir, server.id),
        pin: decryptSecret(server.partitionPasswordEnc, "hsm_servers.partition_password"),
        ensure: () => ensureSeNtls(target),
      },
      tokenLabel: server.partition,
      member: `${name} (${server.partition})`,
      whyRefused,
    };
  }
}

function memberName(server: ServerRow): string {
  return server.address ?? `server ${server.position + 1}`;
}

/** No member could serve the SE: every member with its cause, and where the fix usually is. */
export function noMemberServes(groupName: string, seName: string, causes: string[]): AppError {
  const hint = causes.some((c) => c.includes("client not registered"))
    ? " Register it with the commands on the group's client certificates page."
    : "";
  return new AppError(
    "HSM_UNAVAILABLE",
    `No HSM of group "${groupName}" accepts ${seName}: ${causes.join("; ")}.${hint}`,
  );
}

async function unreachable(server: ServerRow): Promise<string | null> {
  if (!server.address || !server.port || !server.serverCertPem)
    return "no address, port or server certificate";
  try {
    const presented = await presentedCertificate(server.address, server.port, PROBE_TIMEOUT_MS);
    const same = new X509Certificate(presented).raw.equals(new X509Certificate(server.serverCertPem).raw);
    return same ? null : "it presents a certificate other than the pinned server.pem";
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * An SE without virtual services would start without touching the HSM, so its registration is
 * checked here (and recorded for the pages). Only a definite refusal counts: an appliance whose
 * admin API cannot answer the question does not block the SE.
 */
async function notRegistered(db: Db, client: ClientRow, server: ServerRow): Promise<string | null> {
  const { status, detail } = await checkClientOnServer(db, client, server);
  return status === "refused" || status === "no-partition" ? detail : null;
}
