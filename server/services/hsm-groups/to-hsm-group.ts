import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { HsmGroup, ServerCertInfo } from "@/lib/schemas/hsm-group";
import type { Db } from "@/server/db";
import { hsmClients, hsmGroups, hsmServers, serviceEngineGroups, tenants } from "@/server/db/schema";
import { parsePem } from "@/server/ntls/pinning";

type GroupRow = typeof hsmGroups.$inferSelect;

/** The group row, tenant-checked: another tenant's group does not exist. */
export async function findGroup(db: Db, tenantId: string, id: string): Promise<GroupRow> {
  const [row] = await db
    .select()
    .from(hsmGroups)
    .where(and(eq(hsmGroups.id, id), eq(hsmGroups.tenantId, tenantId)));
  if (!row) throw new AppError("NOT_FOUND", "This HSM group does not exist in your tenant.");
  return row;
}

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
export async function toHsmGroup(db: Db, group: GroupRow): Promise<HsmGroup> {
  const [tenant] = await db
    .select({ name: tenants.name })
    .from(tenants)
    .where(eq(tenants.id, group.tenantId));
  const servers = await db
    .select()
    .from(hsmServers)
    .where(eq(hsmServers.groupId, group.id))
    .orderBy(asc(hsmServers.position));
  const clients = await db
    .select()
    .from(hsmClients)
    .where(eq(hsmClients.groupId, group.id))
    .orderBy(asc(hsmClients.createdAt));
  const seGroups = await db
    .select({ id: serviceEngineGroups.id, name: serviceEngineGroups.name })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.hsmGroupId, group.id));
  return {
    id: group.id,
    name: group.name,
    type: group.type,
    isHa: group.isHa,
    haGroupNum: group.haGroupNum,
    builtIn: group.builtIn,
    moduleLibrary: group.moduleLibrary,
    moduleEnv: group.moduleEnv,
    tenantName: tenant?.name ?? "",
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
