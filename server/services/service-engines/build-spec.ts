import { and, asc, eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { decryptSecret } from "@/server/crypto/secrets";
import type { HsmAccess, ServiceEngineSpec, VirtualServiceSpec } from "@/server/dataplane";
import { onToken } from "@/server/pkcs11";
import type { Db } from "@/server/db";
import {
  hsmGroups,
  hsmServers,
  serviceEngineGroups,
  type serviceEngines,
  sslCertificates,
  virtualServices,
} from "@/server/db/schema";
import { LOCAL_HSM_GROUP, localSoftHsmEnv } from "../hsm-groups/local-softhsm";
import { checkModule } from "../hsm-groups/module-allow-list";
import { networkHsmAccess } from "./network-hsm-access";
import { seDataDir } from "./se-folder";

type SeRow = typeof serviceEngines.$inferSelect;
type VsRow = typeof virtualServices.$inferSelect;
type CertRow = typeof sslCertificates.$inferSelect;

/** What one SE must serve: the enabled virtual services placed on its group, with their certificates. */
export async function buildSpec(db: Db, se: SeRow): Promise<ServiceEngineSpec> {
  const [group] = await db.select().from(serviceEngineGroups).where(eq(serviceEngineGroups.id, se.groupId));
  if (!group) throw new AppError("NOT_FOUND", `The group of service engine ${se.name} is gone.`);
  const services = await db
    .select()
    .from(virtualServices)
    .where(and(eq(virtualServices.seGroupId, group.id), eq(virtualServices.enabled, true)))
    .orderBy(asc(virtualServices.createdAt));
  const certIds = services.flatMap((v) => (v.certificateId ? [v.certificateId] : []));
  const certs = certIds.length
    ? await db.select().from(sslCertificates).where(inArray(sslCertificates.id, certIds))
    : [];
  const byId = new Map(certs.map((c) => [c.id, c]));
  const { access, tokenLabel } = await hsmAccessFor(db, group.hsmGroupId, se);
  return {
    name: se.name,
    dataDir: seDataDir(se.name),
    hsm: access,
    virtualServices: services.flatMap((vs) => toVsSpec(vs, byId, tokenLabel)),
  };
}

function toVsSpec(vs: VsRow, certs: Map<string, CertRow>, tokenLabel: string | null): VirtualServiceSpec[] {
  const cert = vs.certificateId ? certs.get(vs.certificateId) : undefined;
  const ssl = vs.ports.some((p) => p.ssl);
  // Validation on save keeps these out; a certificate that left "active" later takes its VS down.
  if (ssl && (cert?.status !== "active" || !cert.certificatePem || !cert.keyUri)) return [];
  return [
    {
      id: vs.id,
      name: vs.name,
      vip: vs.vip,
      ports: vs.ports,
      ...(ssl && cert
        ? {
            certificatePem: cert.certificatePem!,
            chainPem: cert.chainPem ?? undefined,
            keyUri: tokenLabel ? onToken(cert.keyUri!, tokenLabel) : cert.keyUri!,
          }
        : {}),
      pool: vs.pool,
    },
  ];
}

/**
 * How the SE reaches its keys. A local PKCS#11 module group — the built-in Local-SoftHSM (also
 * used, with no HSM group referenced, so that plain virtual services still run) or any vendor
 * library — is exported to the SE by its own p11-kit server, with the group's library and the
 * environment the console's own connection uses. A network group is reached through the SE's own registered NTLS
 * client, on the member it uses now (tokenLabel: that member's partition, for the key URIs).
 */
export async function hsmAccessFor(
  db: Db,
  hsmGroupId: string | null,
  se: SeRow,
): Promise<{ access: HsmAccess; tokenLabel: string | null }> {
  const [group] = hsmGroupId
    ? await db.select().from(hsmGroups).where(eq(hsmGroups.id, hsmGroupId))
    : await db
        .select()
        .from(hsmGroups)
        .where(and(eq(hsmGroups.name, LOCAL_HSM_GROUP), eq(hsmGroups.builtIn, true)));
  if (!group) throw new AppError("NOT_FOUND", "The HSM group of this service engine group does not exist.");
  if (isNetworkHsm(group.type)) {
    const { access, tokenLabel } = await networkHsmAccess(db, group, se);
    return { access, tokenLabel };
  }
  const [server] = await db
    .select()
    .from(hsmServers)
    .where(eq(hsmServers.groupId, group.id))
    .orderBy(asc(hsmServers.position));
  if (!server) throw new AppError("CONFLICT", `HSM group "${group.name}" has no HSM servers.`);
  if (!group.moduleLibrary)
    throw new AppError("CONFLICT", `HSM group "${group.name}" has no PKCS#11 library configured.`);
  // A library the installation allows (SoftHSM, a vendor's), with the environment the console's own connection uses.
  const env = group.builtIn ? localSoftHsmEnv() : (group.moduleEnv ?? {});
  checkModule(group.moduleLibrary, env);
  const access: HsmAccess = {
    kind: "module",
    providerPath: group.moduleLibrary,
    env,
    tokenLabel: server.partition,
    pin: decryptSecret(server.partitionPasswordEnc, "hsm_servers.partition_password"),
  };
  return { access, tokenLabel: null };
}
