import { and, eq, isNull } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { DEFAULT_CLIENT_VALIDITY_DAYS } from "@/lib/schemas/hsm-group";
import type { Db } from "@/server/db";
import { hsmClients, hsmGroups } from "@/server/db/schema";
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
  const [group] = await db.select().from(hsmGroups).where(eq(hsmGroups.id, groupId));
  if (!group) throw new AppError("NOT_FOUND", "This HSM group does not exist.");
  if (!isNetworkHsm(group.type)) return { id: groupId, name: client.name };
  const [existing] = await db
    .select({ id: hsmClients.id })
    .from(hsmClients)
    .where(
      and(eq(hsmClients.groupId, groupId), eq(hsmClients.name, client.name), isNull(hsmClients.replacedAt)),
    );
  if (existing) return { id: existing.id, name: client.name };
  const issued = await issueClientCert(
    { kind: "service-engine", name: client.name, ip: client.ip },
    validityDays,
  );
  return db.transaction(async (tx) => {
    const txDb = tx as unknown as Db;
    const row = await insertClientCert(txDb, groupId, issued);
    if (client.network === "dedicated")
      await tx.update(hsmClients).set({ network: "dedicated" }).where(eq(hsmClients.id, row.id));
    await refreshChrystokiConfs(txDb, groupId);
    return { id: row.id, name: row.name };
  });
}
