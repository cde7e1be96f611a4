import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { decryptSecret } from "@/server/crypto/secrets";
import type { HsmAccess, ServiceEngineSpec, VirtualServiceSpec } from "@/server/dataplane";
import { onToken } from "@/server/pkcs11";
import { type CertificateRow, certificatesByIds } from "@/server/aggregates/certificates";
import { builtInGroup, type GroupRow, groupById, serversOf } from "@/server/aggregates/hsm-groups";
import { type SeRow, seGroupById } from "@/server/aggregates/se-groups";
import { type VirtualServiceRow, virtualServicesOfSeGroup } from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import { localSoftHsmEnv } from "@/server/hsm/local-softhsm-env";
import { localGroupName, localHsmNode } from "@/server/hsm/local-softhsm-node";
import { type MemberMode, networkHsmMembers, noMemberServes } from "./network-hsm-access";
import { checkModule } from "@/server/hsm/module-allow-list";
import { seDataDir } from "./se-folder";

/** A spec for one member of the SE's HSM group (member null: a local module group). */
export interface SpecCandidate {
  spec: ServiceEngineSpec;
  member: string | null;
  /** A network member's refusal of this SE, asked when the member fails. */
  whyRefused?: () => Promise<string | null>;
}

/**
 * What one SE must serve — the enabled virtual services placed on its group, with their
 * certificates — once per HSM member it may use, in order (see networkHsmMembers): key URIs follow
 * the member. Members passed over, and those the caller could not use, go to `refused`.
 */
export async function specCandidates(
  db: Db,
  se: SeRow,
  refused: string[],
  mode: MemberMode = "restart",
): Promise<{ hsmGroup: string; candidates: AsyncIterable<SpecCandidate> }> {
  const group = await seGroupById(db, se.groupId);
  if (!group) throw new AppError("NOT_FOUND", `The group of service engine ${se.name} is gone.`);
  const services = await virtualServicesOfSeGroup(db, group.id, { enabledOnly: true });
  const certs = await certificatesByIds(
    db,
    services.flatMap((v) => (v.certificateId ? [v.certificateId] : [])),
  );
  const byId = new Map(certs.map((c) => [c.id, c]));
  const hsmGroup = await hsmGroupOf(db, group.hsmGroupId, se.nodeName);
  const toSpec = (access: HsmAccess, tokenLabel: string | null): ServiceEngineSpec => ({
    name: se.name,
    dataDir: seDataDir(se.name),
    hsm: access,
    virtualServices: services.flatMap((vs) => toVsSpec(vs, byId, tokenLabel)),
  });
  async function* candidates(): AsyncGenerator<SpecCandidate> {
    if (!isNetworkHsm(hsmGroup.type)) {
      yield { spec: toSpec(await localModuleAccess(db, hsmGroup), null), member: null };
      return;
    }
    for await (const m of networkHsmMembers(db, hsmGroup, se, refused, mode))
      yield { spec: toSpec(m.access, m.tokenLabel), member: m.member, whyRefused: m.whyRefused };
  }
  return { hsmGroup: hsmGroup.name, candidates: candidates() };
}

/** The spec on the first member that answers (the one in use, when it still does). */
export async function buildSpec(db: Db, se: SeRow): Promise<ServiceEngineSpec> {
  const refused: string[] = [];
  const { hsmGroup, candidates } = await specCandidates(db, se, refused);
  for await (const candidate of candidates) return candidate.spec;
  throw noMemberServes(hsmGroup, se.name, refused);
}

function toVsSpec(
  vs: VirtualServiceRow,
  certs: Map<string, CertificateRow>,
  tokenLabel: string | null,
): VirtualServiceSpec[] {
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

/** The SE group's HSM group; none referenced = its node's Local-SoftHSM (plain VSs still run). */
async function hsmGroupOf(db: Db, hsmGroupId: string | null, seNode: string): Promise<GroupRow> {
  const local = localGroupName(localHsmNode() ? seNode : null);
  const group = hsmGroupId ? await groupById(db, hsmGroupId) : await builtInGroup(db, local);
  if (!group) throw new AppError("NOT_FOUND", "The HSM group of this service engine group does not exist.");
  return group;
}

/**
 * How the SE reaches its keys. A local PKCS#11 module group — the built-in Local-SoftHSM or any
 * vendor library — is exported to the SE by its own p11-kit server, with the group's library and
 * the environment the console's own connection uses. A network group is reached through the SE's
 * own registered NTLS client, on the first member that answers (tokenLabel: its partition).
 */
export async function hsmAccessFor(
  db: Db,
  hsmGroupId: string | null,
  se: SeRow,
): Promise<{ access: HsmAccess; tokenLabel: string | null }> {
  const group = await hsmGroupOf(db, hsmGroupId, se.nodeName);
  if (isNetworkHsm(group.type)) {
    const refused: string[] = [];
    for await (const m of networkHsmMembers(db, group, se, refused))
      return { access: m.access, tokenLabel: m.tokenLabel };
    throw noMemberServes(group.name, se.name, refused);
  }
  return { access: await localModuleAccess(db, group), tokenLabel: null };
}

export async function localModuleAccess(db: Db, group: GroupRow): Promise<HsmAccess> {
  const [server] = await serversOf(db, group.id);
  if (!server) throw new AppError("CONFLICT", `HSM group "${group.name}" has no HSM servers.`);
  if (!group.moduleLibrary)
    throw new AppError("CONFLICT", `HSM group "${group.name}" has no PKCS#11 library configured.`);
  // A library the installation allows (SoftHSM, a vendor's), with the environment the console's own connection uses.
  const env = group.builtIn ? localSoftHsmEnv() : (group.moduleEnv ?? {});
  checkModule(group.moduleLibrary, env);
  return {
    kind: "module",
    providerPath: group.moduleLibrary,
    env,
    tokenLabel: server.partition,
    pin: decryptSecret(server.partitionPasswordEnc, "hsm_servers.partition_password"),
  };
}
