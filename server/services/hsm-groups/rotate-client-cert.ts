import { AppError } from "@/lib/errors";
import { DEFAULT_CLIENT_VALIDITY_DAYS } from "@/lib/schemas/hsm-group";
import { serversOf, updateClient } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { refreshChrystokiConfs } from "./chrystoki-store";
import { insertClientCert, issueClientCert } from "./client-certs";
import { findClient } from "./clients-page";
import { closeNtlsConnector } from "@/server/hsm/ntls-connectors";

/**
 * A new key pair and certificate for the same client name. The old certificate stays listed,
 * marked replaced, until the new one is registered on every server (see check-registrations).
 */
export async function rotateClientCert(db: Db, actor: Actor, input: { id: string; clientId: string }) {
  const old = await findClient(db, actor, input.id, input.clientId);
  if (!old)
    throw new AppError("NOT_FOUND", "This client certificate does not exist in the group.", {
      field: "clientId",
    });
  if (old.replacedAt)
    throw new AppError("CONFLICT", "This certificate was already replaced; rotate the current one.");
  const issued = await issueClientCert(
    { kind: old.kind, name: old.name, ip: old.ip },
    DEFAULT_CLIENT_VALIDITY_DAYS,
  );
  const fresh = await db.transaction(async (tx) => {
    await updateClient(tx, old.id, { replacedAt: new Date() });
    const row = await insertClientCert(tx, input.id, issued);
    await refreshChrystokiConfs(tx, input.id);
    return row;
  });
  // The connectors present the old certificate: drop them so the next use presents the new one.
  const servers = await serversOf(db, input.id);
  await Promise.all(servers.map((s) => closeNtlsConnector(s.id)));
  return { id: input.id, name: fresh.name, clientId: fresh.id, fingerprint: fresh.fingerprint };
}
