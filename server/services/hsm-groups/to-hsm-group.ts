import type { HsmGroup, ServerCertInfo } from "@/lib/schemas/hsm-group";
import { clientsOf, type GroupRow, ownerName, referrersOf, serversOf } from "@/server/aggregates/hsm-groups";
import type { DbOrTx } from "@/server/db";
import { parsePem } from "@/server/ntls/pinning";

/** Subject, SHA-256 fingerprint and expiry of a stored PEM (no validity check: it may have expired since). */
export function certInfo(pem: string | null): ServerCertInfo | null {
  if (!pem) return null;
  try {
    const cert = parsePem(pem, "certificate");
    return {
      subject: cert.subject.replace(/\n/g, ", "),
      fingerprint: cert.fingerprint256,
      notAfter: new Date(cert.validTo).toISOString(),
    };
  } catch {
    return null;
  }
}

/** The API view of a group: servers, clients and referrers, and never a secret. */
export async function toHsmGroup(db: DbOrTx, group: GroupRow): Promise<HsmGroup> {
  const tenantName = await ownerName(db, group);
  const servers = await serversOf(db, group.id);
  const clients = await clientsOf(db, group.id);
  const { seGroups } = await referrersOf(db, group.id);
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    isHa: group.isHa,
    haGroupNum: group.haGroupNum,
    builtIn: group.builtIn,
    moduleLibrary: group.moduleLibrary,
    moduleEnv: group.moduleEnv,
    tenantName,
    servers: servers.map((s) => ({
      id: s.id,
      position: s.position,
      address: s.address,
      port: s.port,
      serverCert: certInfo(s.serverCertPem),
      serverCertPem: s.serverCertPem,
      partition: s.partition,
      partitionSerial: s.partitionSerial,
      partitionPasswordSet: true as const,
      adminApiUrl: s.adminApiUrl,
      adminCredentialsSaved: s.adminCredentialsEnc !== null,
    })),
    clients: clients.map((c) => ({
      id: c.id,
      kind: c.kind,
      name: c.name,
      ip: c.ip,
      network: c.network,
      fingerprint: c.fingerprint,
      notAfter: c.notAfter.toISOString(),
      replacedAt: c.replacedAt?.toISOString() ?? null,
    })),
    seGroups,
  };
}
