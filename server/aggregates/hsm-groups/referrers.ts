import { eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { serviceEngineGroups, sslCertificates } from "@/server/db/schema";

/** What uses the group: SE groups and certificates (a used group cannot be deleted). */
export async function referrersOf(db: DbOrTx, groupId: string) {
  const seGroups = await db
    .select({ id: serviceEngineGroups.id, name: serviceEngineGroups.name })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.hsmGroupId, groupId));
  const certificates = await db
    .select({ name: sslCertificates.name })
    .from(sslCertificates)
    .where(eq(sslCertificates.hsmGroupId, groupId));
  return { seGroups, certificates };
}
