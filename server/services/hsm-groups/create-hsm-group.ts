import { isNetworkHsm } from "@/lib/hsm-types";
import { type CreateHsmGroupInput, type HsmGroup, ZCreateHsmGroupInput } from "@/lib/schemas/hsm-group";
import { insertGroup, insertServers } from "@/server/aggregates/hsm-groups";
import { encryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import type { Actor } from "../actor";
import { markRestartRequired } from "../service-engines/restart-required";
import { assertNameFree, checkGroupInput } from "./check-group-input";
import { refreshChrystokiConfs } from "./chrystoki-store";
import { insertClientCert, issueClientCert } from "./client-certs";
import { toHsmGroup } from "./to-hsm-group";

/** Creates a group with its servers and, for network HSMs, this console node's client certificate. */
export async function createHsmGroup(db: Db, actor: Actor, raw: CreateHsmGroupInput): Promise<HsmGroup> {
  const input = checkGroupInput(ZCreateHsmGroupInput.parse(raw));
  const network = isNetworkHsm(input.type);
  const consoleCert = network
    ? await issueClientCert({ kind: "console", ...consoleNode() }, input.clientValidityDays)
    : null;
  const group = await db.transaction(async (tx) => {
    await assertNameFree(tx, actor.tenantId, input.name);
    const row = (await insertGroup(tx, {
      tenantId: actor.tenantId,
      name: input.name,
      type: input.type,
      isHa: input.isHa,
      moduleLibrary: input.moduleLibrary ?? null,
      moduleEnv: input.moduleEnv ?? null,
    }))!;
    await insertServers(
      tx,
      input.servers.map((s, position) => ({
        groupId: row.id,
        position,
        address: network ? (s.address ?? null) : null,
        port: network ? s.port : null,
        serverCertPem: s.serverCert ?? null,
        partition: s.partition,
        partitionPasswordEnc: encryptSecret(s.partitionPassword ?? "", "hsm_servers.partition_password"),
        adminApiUrl: s.adminApiUrl || null,
      })),
    );
    if (consoleCert) await insertClientCert(tx, row.id, consoleCert);
    await refreshChrystokiConfs(tx, row.id);
    await markRestartRequired(tx, { hsmGroupId: row.id }, `HSM group "${input.name}" was created.`);
    return row;
  });
  return toHsmGroup(db, group);
}
