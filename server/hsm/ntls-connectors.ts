import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/server/config/env";
import { type NtlsConnector, startNtlsConnector } from "@/server/ntls/connector";

export interface ConnectorTarget {
  serverId: string;
  host: string;
  port: number;
  serverCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
}

interface Entry {
  fingerprint: string;
  connector: Promise<NtlsConnector>;
}

/** One NTLS connector per HSM server per process, on globalThis (hot reload), replaced when its inputs change. */
const holder = globalThis as unknown as { __hsmNtlsConnectors?: Map<string, Entry> };
holder.__hsmNtlsConnectors ??= new Map();
const connectors = holder.__hsmNtlsConnectors;

/** Unix socket paths are limited to 108 bytes: keep them short and inside the data folder. */
function socketPath(target: ConnectorTarget, fingerprint: string): string {
  const dir = path.join(dataDir(), "run");
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  return path.join(dir, `ntls-${target.serverId.slice(0, 8)}-${fingerprint.slice(0, 8)}.sock`);
}

export async function ntlsSocketFor(
  target: ConnectorTarget,
): Promise<{ socketPath: string; fingerprint: string }> {
  const fingerprint = crypto
    .createHash("sha256")
    .update([target.host, target.port, target.serverCertPem, target.clientCertPem].join("\n"))
    .digest("hex");
  const current = connectors.get(target.serverId);
  if (current?.fingerprint === fingerprint)
    return { socketPath: (await current.connector).socketPath, fingerprint };
  if (current) await closeNtlsConnector(target.serverId);
  const sock = socketPath(target, fingerprint);
  fs.rmSync(sock, { force: true });
  const connector = startNtlsConnector({ ...target, socketPath: sock });
  connectors.set(target.serverId, { fingerprint, connector });
  connector.catch(() => connectors.delete(target.serverId));
  return { socketPath: (await connector).socketPath, fingerprint };
}

export async function closeNtlsConnector(serverId: string): Promise<void> {
  const entry = connectors.get(serverId);
  connectors.delete(serverId);
  await entry?.connector.then((c: NtlsConnector) => c.close()).catch(() => {});
}
