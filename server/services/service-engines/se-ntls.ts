import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { seUserFor } from "@/server/dataplane";
import { type NtlsConnector, startNtlsConnector } from "@/server/ntls/connector";
import type { ConnectorTarget } from "@/server/hsm/ntls-connectors";

/**
 * The service engines' own NTLS links: one connector per SE, to the one member of its HSM group
 * that the SE uses now, presenting the SE's client certificate (not the console's). The socket
 * lives in the SE's folder and belongs to the SE's nginx user. When the appliance drops a link the
 * SE still uses, `onLost` lets the supervisor fail the SE over to another member.
 */
export interface SeNtlsTarget extends ConnectorTarget {
  seName: string;
  seDataDir: string;
}

interface Entry {
  serverId: string;
  fingerprint: string;
  connector: Promise<NtlsConnector>;
}

const holder = globalThis as unknown as {
  __hsmSeNtls?: Map<string, Entry>;
  __hsmSeNtlsLost?: (seName: string, reason: string) => void;
};
holder.__hsmSeNtls ??= new Map();
const links = holder.__hsmSeNtls;

/** The supervisor's failover hook (one per process). */
export function onSeNtlsLost(handler: ((seName: string, reason: string) => void) | undefined): void {
  holder.__hsmSeNtlsLost = handler;
}

/** Stable per SE and member: a member change is an HSM access change (nginx must restart). */
export function seNtlsSocketPath(seDataDir: string, serverId: string): string {
  return path.join(seDataDir, "run", `ntls-${serverId.slice(0, 8)}.sock`);
}

/** The member this SE's link goes to now (null = none yet). */
export function currentSeMember(seName: string): string | null {
  return links.get(seName)?.serverId ?? null;
}

/** Starts (or keeps) the SE's connector to this member; a link to another member is closed first. */
export async function ensureSeNtls(target: SeNtlsTarget): Promise<void> {
  const fingerprint = crypto
    .createHash("sha256")
    .update([target.host, target.port, target.serverCertPem, target.clientCertPem].join("\n"))
    .digest("hex");
  const socketPath = seNtlsSocketPath(target.seDataDir, target.serverId);
  const current = links.get(target.seName);
  if (current?.fingerprint === fingerprint && fs.existsSync(socketPath)) {
    await current.connector;
    return;
  }
  await closeSeNtls(target.seName);
  const runAs = seUserFor(target.seName);
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  const connector = startNtlsConnector({
    host: target.host,
    port: target.port,
    serverCertPem: target.serverCertPem,
    clientCertPem: target.clientCertPem,
    clientKeyPem: target.clientKeyPem,
    socketPath,
    // Short: a handshake that hangs is a member to fail over from, not a call to wait for.
    handshakeTimeoutMs: 3_000,
    // An SE only signs (milliseconds): a longer silence is a hung appliance.
    idleTimeoutMs: 10_000,
    ...(runAs ? { socketOwner: { uid: runAs.uid, gid: runAs.gid } } : {}),
    // Only the link in use matters: a loss on one already replaced (failover done) is no news.
    onRemoteLost: (reason) => {
      if (links.get(target.seName) === entry) holder.__hsmSeNtlsLost?.(target.seName, reason);
    },
  });
  const entry: Entry = { serverId: target.serverId, fingerprint, connector };
  links.set(target.seName, entry);
  connector.catch(() => links.delete(target.seName));
  await connector;
}

export async function closeSeNtls(seName: string): Promise<void> {
  const entry = links.get(seName);
  links.delete(seName);
  await entry?.connector.then((c) => c.close()).catch(() => {});
}
