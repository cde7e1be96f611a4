import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { DEFAULT_CLIENT_VALIDITY_DAYS } from "@/lib/schemas/hsm-group";
import { activeClient, groupById, updateClient } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import { refreshChrystokiConfs } from "./chrystoki-store";
import { insertClientCert, issueClientCert } from "./client-certs";

/**
 * The place for the SE groups feature: a service engine of an SE group that uses this HSM group
 * becomes a trusted client (Avi's node_info[]) with its own certificate, listed on the download
 * page with its registration commands. Idempotent per client name.
 */
export async function addTrustedClient(
  db: Db,
  groupId: string,
  client: { name: string; ip: string; network?: "management" | "dedicated" },
  validityDays = DEFAULT_CLIENT_VALIDITY_DAYS,
): Promise<{ id: string; name: string }> {
  const group = await groupById(db, groupId);
  if (!group) throw new AppError("NOT_FOUND", "This HSM group does not exist.");
  if (!isNetworkHsm(group.type)) return { id: groupId, name: client.name };
  const existing = await activeClient(db, groupId, { name: client.name });
  if (existing) return { id: existing.id, name: client.name };
  const issued = await issueClientCert(
    { kind: "service-engine", name: client.name, ip: client.ip },
    validityDays,
  );
  return db.transaction(async (tx) => {
    const row = await insertClientCert(tx, groupId, issued);
    if (client.network === "dedicated") await updateClient(tx, row.id, { network: "dedicated" });
    await refreshChrystokiConfs(tx, groupId);
    return { id: row.id, name: row.name };
  });
}
