import { X509Certificate } from "node:crypto";
import { certificatePemOf } from "@/server/aggregates/certificates";
import { nodeEngines } from "@/server/aggregates/se-groups";
import { listenersHeldBy } from "@/server/dataplane";
import type { Db } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import { currentSupervisor } from "../service-engines/supervisor-registry";

/**
 * Test may only talk to this console's own SE listener for the VS: otherwise it is a way to make
 * the console connect to any local service (another program on the VIP:port) and read its answer.
 * Returns why not, or null when every listener on VIP:port is held by an nginx of the VS's SE group.
 */
export async function foreignListener(
  db: Db,
  vs: { vip: string; seGroupId: string },
  port: number,
): Promise<string | null> {
  const engines = await nodeEngines(db, consoleNode().name, vs.seGroupId);
  const pids = engines
    .map((se) => currentSupervisor()?.status(se.id)?.pid)
    .filter((pid): pid is number => typeof pid === "number");
  if (listenersHeldBy(vs.vip, port, pids)) return null;
  return pids.length === 0
    ? `No service engine of this virtual service's SE group runs on this console node, so ${vs.vip}:${port} is not one of its listeners; the test was not sent.`
    : `${vs.vip}:${port} is not (only) this virtual service's service engine listening: another program holds it. The test was not sent; free the address or choose another VIP or port.`;
}

/** The SHA-256 fingerprint (AB:CD:…) of the VS's certificate, which its SSL listener must present. */
export async function expectedFingerprint(db: Db, tenantId: string, certificateId: string | null) {
  if (!certificateId) return null;
  const pem = await certificatePemOf(db, tenantId, certificateId);
  return pem ? new X509Certificate(pem).fingerprint256 : null;
}
