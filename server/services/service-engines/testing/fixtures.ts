import { execFile } from "node:child_process";
import crypto, { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type { EchoServer, ServiceEngineOptions } from "@/server/dataplane";
import type { Db } from "@/server/db";
import { builtInGroup } from "@/server/aggregates/hsm-groups";
import { sslCertificates } from "@/server/db/schema";
import { closeAllConnections, createSelfSignedCertificate, pkcs11Uri } from "@/server/pkcs11";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { LOCAL_HSM_GROUP } from "../../hsm-groups/local-softhsm";
import { SeSupervisor } from "../supervisor";
import { setSupervisor } from "../supervisor-registry";

/** Test helpers (not shipped in any route): certificates in the built-in HSM and file scans. */

/**
 * What the certificates feature will do on "Create self-signed": a key pair generated in the
 * Local-SoftHSM group, a certificate signed through it, an "active" ssl_certificates row.
 */
export async function createHsmCertificate(db: Db, tenantId: string, name: string, cn: string) {
  const group = await builtInGroup(db, LOCAL_HSM_GROUP);
  const access = await openHsmGroup(db, group!.tenantId, group!.id);
  const member = access.members[0]!;
  const idHex = crypto.randomBytes(4).toString("hex");
  await member.client.generateKeyPair({
    token: member.token,
    idHex,
    label: name,
    spec: { type: "EC", curve: "P-256" },
  });
  const cert = await createSelfSignedCertificate(access.signer, {
    token: member.token,
    idHex,
    subject: `CN=${cn}`,
    dnsNames: [cn],
    days: 30,
  });
  const x = new X509Certificate(cert.pem);
  const [row] = await db
    .insert(sslCertificates)
    .values({
      tenantId,
      name,
      type: "self-signed",
      status: "active",
      hsmGroupId: group!.id,
      keyIdHex: idHex,
      keyLabel: name,
      keyUri: pkcs11Uri({ token: member.token.label, idHex, type: "private" }),
      keyAlgorithm: "EC",
      keyCurve: "P-256",
      keyOrigin: "generated",
      certificatePem: cert.pem,
      subjectCn: cn,
      notBefore: new Date(x.validFrom),
      notAfter: new Date(x.validTo),
      fingerprintSha256: x.fingerprint256,
    })
    .returning();
  return { id: row!.id, pem: cert.pem, localGroupId: group!.id, idHex };
}

/** Every file under dir whose content contains the text (sockets and unreadable files skipped). */
export function filesContaining(dir: string, text: string): string[] {
  const hits: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    try {
      if (fs.readFileSync(file).includes(text)) hits.push(file);
    } catch {
      // vanished while scanning (pid files, temp files)
    }
  }
  return hits;
}

export function randomPort(): number {
  return 20_000 + Math.floor(Math.random() * 20_000);
}

export async function pollFor<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The process's supervisor for a test, with fast health checks (and the test's hooks, if any). */
export function testSupervisor(db: Db, hooks: Pick<ServiceEngineOptions, "inRestartGap"> = {}): SeSupervisor {
  const supervisor = new SeSupervisor(db, { health: { intervalMs: 500, timeoutMs: 2000 }, ...hooks });
  setSupervisor(supervisor);
  return supervisor;
}

/** Stops what an SE test started: SEs (nginx, p11-kit), the pool echo, HSM workers, the database. */
export async function stopSeTest(parts: {
  supervisor?: SeSupervisor;
  echo?: EchoServer;
  handle?: { close(): Promise<void> };
  data?: string;
}): Promise<void> {
  await parts.supervisor?.stopAll();
  setSupervisor(null);
  await parts.echo?.close();
  await closeAllConnections();
  await parts.handle?.close();
  if (parts.data) fs.rmSync(parts.data, { recursive: true, force: true });
}

/** SHA-256 fingerprint of the certificate a TLS client is served on vip:port. */
export async function servedFingerprint(vip: string, port: number, serverName: string): Promise<string> {
  const { stdout } = await promisify(execFile)("sh", [
    "-c",
    `openssl s_client -connect ${vip}:${port} -servername ${serverName} </dev/null 2>/dev/null | openssl x509`,
  ]);
  return new X509Certificate(stdout).fingerprint256;
}
