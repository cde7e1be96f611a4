import tls from "node:tls";
import { AppError } from "@/lib/errors";
import { parseServerCertificate } from "@/server/certs";
import { findGroup, serverOf, serversOf, updateServer } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { forgetLogins } from "@/server/hsm/hsm-access";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";
import type { Actor } from "../actor";
import { markRestartRequired } from "../service-engines/restart-required";
import { certInfo } from "./to-hsm-group";

/**
 * What the appliance presents now, read with a TLS handshake that verifies nothing (it only
 * reads the certificate, sends nothing). A `sysconf regenCert` shows up as a mismatch with the
 * pinned server.pem.
 */
export function presentedCertificate(host: string, port: number, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host, port, rejectUnauthorized: false, timeout: timeoutMs });
    const fail = (e: Error) => {
      socket.destroy();
      reject(new AppError("HSM_UNAVAILABLE", `Cannot reach ${host}:${port}: ${e.message}.`));
    };
    socket.once("secureConnect", () => {
      const raw = socket.getPeerCertificate().raw;
      socket.destroy();
      if (!raw) return reject(new AppError("HSM_ERROR", `${host}:${port} presented no certificate.`));
      const b64 = raw.toString("base64").replace(/(.{64})/g, "$1\n");
      resolve(`-----BEGIN CERTIFICATE-----\n${b64.trim()}\n-----END CERTIFICATE-----\n`);
    });
    socket.once("timeout", () => fail(new Error("no answer")));
    socket.once("error", fail);
  });
}

export async function serverCertStatus(db: Db, actor: Actor, id: string) {
  const group = await findGroup(db, actor.tenantId, id);
  const servers = await serversOf(db, group.id);
  return Promise.all(
    servers
      .filter((s) => s.address && s.port)
      .map(async (s) => {
        const pinned = certInfo(s.serverCertPem)?.fingerprint ?? null;
        try {
          const presented = certInfo(await presentedCertificate(s.address!, s.port!))?.fingerprint ?? null;
          return {
            serverId: s.id,
            address: s.address!,
            pinnedFingerprint: pinned,
            presentedFingerprint: presented,
            mismatch: presented !== pinned,
            error: null,
          };
        } catch (e) {
          return {
            serverId: s.id,
            address: s.address!,
            pinnedFingerprint: pinned,
            presentedFingerprint: null,
            mismatch: false,
            error: (e as Error).message,
          };
        }
      }),
  );
}

/** "Trust the new certificate": pins what the appliance presents, if it is still the one the administrator saw. */
export async function trustServerCert(
  db: Db,
  actor: Actor,
  input: { id: string; serverId: string; fingerprint: string },
) {
  const group = await findGroup(db, actor.tenantId, input.id);
  const server = await serverOf(db, group.id, input.serverId);
  if (!server?.address || !server.port)
    throw new AppError("NOT_FOUND", "This HSM is not part of the group.", { field: "serverId" });
  const pem = await presentedCertificate(server.address, server.port);
  const summary = parseServerCertificate(pem, new Date(), "fingerprint");
  if (summary.fingerprints.sha256.replace(/:/g, "") !== input.fingerprint.replace(/:/g, "").toUpperCase())
    throw new AppError(
      "CONFLICT",
      "The appliance now presents yet another certificate. Check it again before trusting it.",
      {
        field: "fingerprint",
      },
    );
  await db.transaction(async (tx) => {
    await updateServer(tx, server.id, { serverCertPem: summary.pem });
    await markRestartRequired(
      tx,
      { hsmGroupId: group.id },
      `The server certificate of ${server.address} changed.`,
    );
  });
  forgetLogins();
  await closeNtlsConnector(server.id);
  return { id: group.id, name: group.name, fingerprint: summary.fingerprints.sha256 };
}
