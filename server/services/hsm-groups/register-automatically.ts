import crypto from "node:crypto";
import { isIP } from "node:net";
import { AppError } from "@/lib/errors";
import { type RegisterAutomaticallyInput, ZRegisterAutomaticallyInput } from "@/lib/schemas/hsm-client";
import { decryptSecret, encryptSecret } from "@/server/crypto/secrets";
import {
  activeClients,
  findGroup,
  type ServerRow,
  serverOf,
  updateServer,
} from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { type AdminApi, adminError, adminRequest } from "./appliance-admin";
import { checkRegistrations } from "./check-registrations";

type Outcome = "registered" | "already-registered" | "re-registered";
const CLIENTS = "/api/lunasa/ntls/clients";
const sameFingerprint = (a: unknown, b: string) =>
  String(a ?? "")
    .replace(/:/g, "")
    .toUpperCase() === b.replace(/:/g, "").toUpperCase();

/**
 * The document's `client register` + `client assignPartition`, through the appliance's REST API,
 * for every active client of the group on one server. Idempotent: a client already registered
 * with this certificate and partition is a success; one registered with an older certificate
 * (rotation) is registered again with the new one. Credentials are kept only when asked.
 */
export async function registerAutomatically(db: Db, actor: Actor, raw: RegisterAutomaticallyInput) {
  const input = ZRegisterAutomaticallyInput.parse(raw);
  const group = await findGroup(db, actor.tenantId, input.id);
  const server = await serverOf(db, group.id, input.serverId);
  if (!server?.serverCertPem)
    throw new AppError("NOT_FOUND", "This HSM is not part of the group or has no server certificate.", {
      field: "serverId",
    });
  const api: AdminApi = {
    url: input.adminApiUrl,
    ...credentials(input, { ...server, serverCertPem: server.serverCertPem }),
    serverCertPem: server.serverCertPem,
  };
  const hsms = await adminRequest(api, "GET", "/api/lunasa/hsms");
  if (hsms.status !== 200) throw adminError(hsms, "Reading the appliance's HSM");
  const serial = (hsms.body as { hsms?: { id: string }[] }).hsms?.[0]?.id;
  if (!serial) throw new AppError("HSM_ERROR", "The appliance lists no HSM.");
  const clients = await activeClients(db, group.id);
  const registered: { client: string; outcome: Outcome }[] = [];
  for (const client of clients) {
    const path = `${CLIENTS}/${encodeURIComponent(client.name)}`;
    const found = await adminRequest(api, "GET", path);
    let outcome: Outcome = "already-registered";
    if (
      found.status === 200 &&
      !sameFingerprint((found.body as { fingerprint?: string }).fingerprint, client.fingerprint)
    ) {
      const gone = await adminRequest(api, "DELETE", path);
      if (gone.status >= 300) throw adminError(gone, `Removing the old registration of ${client.name}`);
      outcome = "re-registered";
    } else if (found.status === 404) outcome = "registered";
    else if (found.status !== 200) throw adminError(found, `Looking up client ${client.name}`);
    if (outcome !== "already-registered") {
      const address = isIP(client.ip) ? { ip: client.ip } : { hostname: client.ip };
      const made = await adminRequest(api, "POST", CLIENTS, {
        clientID: client.name,
        ...address,
        certificate: client.certPem,
      });
      if (made.status >= 300) throw adminError(made, `Registering ${client.name}`);
    }
    const link = await adminRequest(api, "POST", `${path}/links`, {
      url: `/api/lunasa/hsms/${encodeURIComponent(serial)}/partitions/${encodeURIComponent(server.partition)}`,
    });
    if (link.status >= 300 && link.status !== 409)
      throw adminError(link, `Assigning ${server.partition} to ${client.name}`);
    registered.push({ client: client.name, outcome });
  }
  await updateServer(db, server.id, {
    adminApiUrl: input.adminApiUrl,
    ...(input.remember
      ? {
          adminCredentialsEnc: encryptSecret(
            JSON.stringify({
              username: api.username,
              password: api.password,
              url: input.adminApiUrl,
              serverCert: certDigest(server.serverCertPem),
            } satisfies RememberedCredentials),
            "hsm_servers.admin_credentials",
          ),
        }
      : {}),
  });
  await checkRegistrations(db, actor, group.id);
  return { id: group.id, name: group.name, registered };
}

interface RememberedCredentials {
  username: string;
  password: string;
  /** The admin URL and pinned server.pem they were given with: never sent anywhere else. */
  url: string;
  serverCert: string;
}

function certDigest(pem: string): string {
  return crypto.createHash("sha256").update(pem.trim()).digest("hex");
}

/**
 * The typed credentials, or the remembered ones when the password is left empty — only for the
 * admin URL and pinned server certificate they were given with.
 */
function credentials(
  input: { username: string; password: string; adminApiUrl: string },
  server: ServerRow & { serverCertPem: string },
): { username: string; password: string } {
  if (input.password) return { username: input.username, password: input.password };
  if (!server.adminCredentialsEnc)
    throw new AppError("VALIDATION", "Enter the admin password.", { field: "password" });
  const saved = JSON.parse(
    decryptSecret(server.adminCredentialsEnc, "hsm_servers.admin_credentials"),
  ) as Partial<RememberedCredentials>;
  if (saved.url !== input.adminApiUrl || saved.serverCert !== certDigest(server.serverCertPem))
    throw new AppError(
      "VALIDATION",
      "The remembered admin credentials were given for another admin API URL or server certificate. Enter the admin password for this one.",
      { field: "password" },
    );
  return { username: saved.username ?? "", password: saved.password ?? "" };
}
