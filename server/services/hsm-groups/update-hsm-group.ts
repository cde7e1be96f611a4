import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { type HsmGroup, type UpdateHsmGroupInput, ZUpdateHsmGroupInput } from "@/lib/schemas/hsm-group";
import {
  activeClient,
  deleteServers,
  findGroup,
  type GroupRow,
  insertServers,
  type ServerRow,
  serversOf,
  updateGroup,
  updateServer,
} from "@/server/aggregates/hsm-groups";
import { encryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import { publishChange } from "@/server/cluster/bus";
import { forgetGroupLogins } from "@/server/hsm/hsm-access";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";
import { closeGroupConnections } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { markRestartRequired } from "../service-engines/restart-required";
import { assertNameFree, checkGroupInput } from "./check-group-input";
import { refreshChrystokiConfs } from "./chrystoki-store";
import { insertClientCert, issueClientCert } from "./client-certs";
import { toHsmGroup } from "./to-hsm-group";

/**
 * Changes a group. Servers keep their id (and password when none is typed, unless their endpoint
 * changed); servers left out are removed. Connections and logins to changed servers are dropped after the commit so the
 * next use reconnects with the new settings.
 */
export async function updateHsmGroup(db: Db, actor: Actor, raw: UpdateHsmGroupInput): Promise<HsmGroup> {
  const input = checkGroupInput(ZUpdateHsmGroupInput.parse(raw));
  const current = await findGroup(db, actor.tenantId, input.id);
  if (current.builtIn) assertBuiltInKept(current, input);
  const existing = await serversOf(db, current.id);
  const byId = new Map(existing.map((s) => [s.id, s]));
  input.servers.forEach((s, i) => {
    if (s.id && !byId.has(s.id))
      throw new AppError("VALIDATION", "This HSM is not part of the group any more. Reload the page.", {
        field: `servers.${i}.id`,
      });
  });
  const network = isNetworkHsm(input.type);
  const activeConsole = await activeClient(db, current.id, { kind: "console" });
  const consoleCert =
    network && !activeConsole
      ? await issueClientCert({ kind: "console", ...consoleNode() }, input.clientValidityDays)
      : null;
  const kept = new Set(input.servers.flatMap((s) => (s.id ? [s.id] : [])));
  const touched = existing.filter((s) => !kept.has(s.id)).map((s) => s.id);
  const group = await db.transaction(async (tx) => {
    await assertNameFree(tx, actor.tenantId, input.name, current.id);
    const row = await updateGroup(tx, current.id, {
      name: input.name,
      type: input.type,
      isHa: input.isHa,
      moduleLibrary: input.moduleLibrary ?? null,
      moduleEnv: input.moduleEnv ?? null,
    });
    await deleteServers(tx, touched);
    for (const [position, s] of input.servers.entries()) {
      const values = {
        position,
        address: network ? (s.address ?? null) : null,
        port: network ? s.port : null,
        serverCertPem: s.serverCert ?? null,
        partition: s.partition,
        adminApiUrl: s.adminApiUrl || null,
        ...(s.partitionPassword
          ? { partitionPasswordEnc: encryptSecret(s.partitionPassword, "hsm_servers.partition_password") }
          : {}),
      };
      const before = s.id ? byId.get(s.id) : undefined;
      if (before) {
        if (changed(before, values)) touched.push(before.id);
        const moved = endpointMoved(before, values, position);
        await updateServer(tx, before.id, {
          ...values,
          ...(moved || before.adminApiUrl !== values.adminApiUrl ? { adminCredentialsEnc: null } : {}),
        });
      } else {
        await insertServers(tx, [
          { ...values, groupId: current.id, partitionPasswordEnc: values.partitionPasswordEnc ?? "" },
        ]);
      }
    }
    if (consoleCert) await insertClientCert(tx, current.id, consoleCert);
    await refreshChrystokiConfs(tx, current.id);
    await markRestartRequired(tx, { hsmGroupId: current.id }, `HSM group "${input.name}" was changed.`);
    return row;
  });
  // A changed group gets new workers: the old ones (a library, environment or server it no longer has) stop.
  await closeGroupConnections(current.id);
  forgetGroupLogins(current.id);
  await publishChange("hsm-group", current.id);
  if (touched.length > 0) await Promise.all(touched.map((id) => closeNtlsConnector(id)));
  return toHsmGroup(db, group);
}

/**
 * A stored secret is bound to the endpoint it was given for: a server whose address, port or pinned
 * server.pem changes needs its partition password typed again (never sent to the new endpoint), and
 * its remembered admin credentials are dropped (by the caller).
 */
function endpointMoved(
  before: ServerRow,
  after: {
    address: string | null;
    port: number | null;
    serverCertPem: string | null;
    partitionPasswordEnc?: string;
  },
  position: number,
): boolean {
  const moved =
    before.address !== after.address ||
    before.port !== after.port ||
    before.serverCertPem !== after.serverCertPem;
  if (moved && after.partitionPasswordEnc === undefined)
    throw new AppError(
      "VALIDATION",
      "The address, port or server certificate of this HSM changed: enter its partition password again (a stored password is never sent to another endpoint).",
      { field: `servers.${position}.partitionPassword` },
    );
  return moved;
}

function changed(
  before: ServerRow,
  after: {
    address: string | null;
    port: number | null;
    serverCertPem: string | null;
    partition: string;
    partitionPasswordEnc?: string;
  },
): boolean {
  return (
    before.address !== after.address ||
    before.port !== after.port ||
    before.serverCertPem !== after.serverCertPem ||
    before.partition !== after.partition ||
    after.partitionPasswordEnc !== undefined
  );
}

/** The built-in Local-SoftHSM group: its token and library are the console's own. */
function assertBuiltInKept(
  current: GroupRow,
  input: { name: string; type: string; moduleLibrary?: string | undefined; moduleEnv?: object | undefined },
): void {
  if (input.name !== current.name)
    throw new AppError("VALIDATION", "The built-in group keeps its name.", { field: "name" });
  if (input.type !== current.type)
    throw new AppError("VALIDATION", "The built-in group is a PKCS#11 module group.", { field: "type" });
  if (input.moduleLibrary !== current.moduleLibrary)
    throw new AppError("VALIDATION", "The built-in group's PKCS#11 library cannot be changed.", {
      field: "moduleLibrary",
    });
  if (input.moduleEnv && Object.keys(input.moduleEnv).length > 0)
    throw new AppError("VALIDATION", "The built-in group's library environment is the console's own.", {
      field: "moduleEnv",
    });
}
