/**
 * What the service engines read and write of virtual services: the services an SE group serves,
 * their live state, and which SE groups serve a certificate.
 */
import { and, asc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { sslCertificates, virtualServices } from "@/server/db/schema";
import type { VirtualServiceRow } from "./views";

/** Every virtual service of the SE group, oldest first; `enabledOnly` for what its SEs serve. */
export function virtualServicesOfSeGroup(
  db: DbOrTx,
  seGroupId: string,
  { enabledOnly = false }: { enabledOnly?: boolean } = {},
): Promise<VirtualServiceRow[]> {
  const bySeGroup = eq(virtualServices.seGroupId, seGroupId);
  return db
    .select()
    .from(virtualServices)
    .where(enabledOnly ? and(bySeGroup, eq(virtualServices.enabled, true)) : bySeGroup)
    .orderBy(asc(virtualServices.createdAt));
}

/** The state the SEs report for a service, with its reason (null: none). */
export async function setVirtualServiceState(
  db: DbOrTx,
  id: string,
  state: VirtualServiceRow["state"],
  reason: string | null,
): Promise<void> {
  await db.update(virtualServices).set({ state, stateReason: reason }).where(eq(virtualServices.id, id));
}

/** The SE groups whose virtual services use this certificate. */
export async function seGroupsUsingCertificate(db: DbOrTx, certificateId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ groupId: virtualServices.seGroupId })
    .from(virtualServices)
    .where(eq(virtualServices.certificateId, certificateId));
  return rows.map((r) => r.groupId);
}

/** The SE group's services that have a certificate, with the HSM group holding its key. */
export function certificateHsmGroupsOfSeGroup(
  db: DbOrTx,
  seGroupId: string,
): Promise<{ name: string; certHsm: string | null }[]> {
  return db
    .select({ name: virtualServices.name, certHsm: sslCertificates.hsmGroupId })
    .from(virtualServices)
    .innerJoin(sslCertificates, eq(sslCertificates.id, virtualServices.certificateId))
    .where(eq(virtualServices.seGroupId, seGroupId));
}
