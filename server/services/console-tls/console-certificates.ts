import { and, asc, eq, isNotNull } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, sslCertificates } from "@/server/db/schema";
import { LOCAL_HSM_GROUP } from "../hsm-groups/local-softhsm";

export type ConsoleCertificateRow = typeof sslCertificates.$inferSelect;

/**
 * Certificates the console may serve its own HTTPS with: active, with the key in this node's
 * built-in Local-SoftHSM (a network HSM could leave the console unreachable when it is).
 */
export async function consoleCertificateChoices(
  db: DbOrTx,
  tenantId: string,
): Promise<ConsoleCertificateRow[]> {
  const rows = await db
    .select({ cert: sslCertificates })
    .from(sslCertificates)
    .innerJoin(hsmGroups, eq(hsmGroups.id, sslCertificates.hsmGroupId))
    .where(
      and(
        eq(sslCertificates.tenantId, tenantId),
        eq(hsmGroups.builtIn, true),
        eq(hsmGroups.name, LOCAL_HSM_GROUP),
        eq(sslCertificates.status, "active"),
        isNotNull(sslCertificates.keyUri),
        isNotNull(sslCertificates.certificatePem),
      ),
    )
    .orderBy(asc(sslCertificates.name));
  return rows.map((r) => r.cert);
}

/** One eligible certificate, or an error that says why this one cannot serve the console. */
export async function consoleCertificate(
  db: DbOrTx,
  tenantId: string | null,
  certificateId: string,
): Promise<{ cert: ConsoleCertificateRow; group: typeof hsmGroups.$inferSelect }> {
  // tenantId null: the console's own start-up, reading the choice an admin made.
  const [row] = await db
    .select({ cert: sslCertificates, group: hsmGroups })
    .from(sslCertificates)
    .leftJoin(hsmGroups, eq(hsmGroups.id, sslCertificates.hsmGroupId))
    .where(
      and(
        eq(sslCertificates.id, certificateId),
        tenantId ? eq(sslCertificates.tenantId, tenantId) : undefined,
      ),
    );
  if (!row) throw new AppError("NOT_FOUND", "This certificate does not exist.", { field: "certificateId" });
  const { cert, group } = row;
  if (!group?.builtIn || group.name !== LOCAL_HSM_GROUP)
    throw new AppError(
      "VALIDATION",
      `Certificate ${cert.name} has its key ${group ? `in HSM group ${group.name}` : "outside any HSM"}; the console's own HTTPS key must be in ${LOCAL_HSM_GROUP}. Create a certificate there first.`,
      { field: "certificateId" },
    );
  if (cert.status !== "active" || !cert.keyUri || !cert.certificatePem)
    throw new AppError(
      "VALIDATION",
      `Certificate ${cert.name} is ${cert.status}: choose an active certificate (a CSR needs its signed certificate first).`,
      { field: "certificateId" },
    );
  return { cert, group };
}
