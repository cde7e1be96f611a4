import net from "node:net";
import tls from "node:tls";
import { checkPinned, parsePem } from "@/server/ntls/pinning";
import { checkNtlsRegistration } from "@/server/ntls/registration-check";
import { toAppError } from "@/server/pkcs11";
import type { ClientIdentity } from "@/server/hsm/hsm-access";
import type { ServerRow } from "@/server/aggregates/hsm-groups";

/** Lab appliances (and Luna REST) answer on 8443 unless the server row names its admin API. */
const DEFAULT_ADMIN_PORT = 8443;
const TIMEOUT_MS = 5_000;

export interface StageOutcome {
  ok: boolean;
  detail: string;
}

/** Reach: a plain TCP connection to the NTLS port (the document's "port 1792 reachable"). */
export function reach(host: string, port: number): Promise<StageOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (outcome: StageOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: `No answer from ${host}:${port} within ${TIMEOUT_MS / 1000} s.` }),
      TIMEOUT_MS,
    );
    socket.once("connect", () => done({ ok: true, detail: `TCP connection to ${host}:${port} accepted.` }));
    socket.once("error", (e: NodeJS.ErrnoException) =>
      done({ ok: false, detail: `Cannot reach ${host}:${port}: ${e.code ?? e.message}.` }),
    );
  });
}

/**
 * Handshake: TLS with this node's client certificate, the appliance pinned by its server.pem;
 * then the appliance's verdict on that identity (the NTLS front can only close a refused link,
 * so the reason comes from its admin API), and whether the partition is assigned to us.
 */
export async function handshake(server: ServerRow, identity: ClientIdentity): Promise<StageOutcome> {
  const host = server.address ?? "";
  const port = server.port ?? 1792;
  const pinned = parsePem(server.serverCertPem ?? "", "serverCertPem");
  const pin = await new Promise<StageOutcome>((resolve) => {
    const socket = tls.connect({
      host,
      port,
      cert: identity.certPem,
      key: identity.keyPem,
      rejectUnauthorized: false,
    });
    const done = (outcome: StageOutcome) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(
      () => done({ ok: false, detail: "The TLS handshake did not finish in time." }),
      TIMEOUT_MS,
    );
    socket.once("secureConnect", () => {
      const check = checkPinned(pinned, socket.getPeerCertificate().raw);
      done(
        check.ok
          ? { ok: true, detail: "" }
          : { ok: false, detail: `Pinned server certificate mismatch: ${check.reason}` },
      );
    });
    socket.once("error", (e) => done({ ok: false, detail: `TLS handshake failed: ${e.message}` }));
  });
  // A pin mismatch ends here; a TLS error may be the front refusing us: ask why below.
  if (!pin.ok && pin.detail.startsWith("Pinned")) return pin;
  try {
    const adminPort = server.adminApiUrl
      ? Number(new URL(server.adminApiUrl).port || 443)
      : DEFAULT_ADMIN_PORT;
    const registration = await checkNtlsRegistration({
      host,
      port: adminPort,
      serverCertPem: server.serverCertPem ?? "",
      clientCertPem: identity.certPem,
      clientKeyPem: identity.keyPem,
      timeoutMs: TIMEOUT_MS,
    });
    if (!registration.partitions.includes(server.partition)) {
      return {
        ok: false,
        detail: `Registered as "${registration.clientID}" but partition ${server.partition} is not assigned (assigned: ${registration.partitions.join(", ") || "none"}). Run client assignPartition on the appliance.`,
      };
    }
    if (!pin.ok) return pin;
    return {
      ok: true,
      detail: `Server certificate matches server.pem; registered as "${registration.clientID}".`,
    };
  } catch (error) {
    const app = toAppError(error);
    return {
      ok: false,
      detail:
        app.code === "FORBIDDEN"
          ? `Refused at handshake: ${app.message}`
          : `Could not check the registration: ${app.message}`,
    };
  }
}
