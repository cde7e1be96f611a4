import { AppError } from "@/lib/errors";
import {
  type CertificateRow,
  certificatesInGroup,
  certificateWithGroup,
} from "@/server/aggregates/certificates";
import { builtInGroup, type GroupRow } from "@/server/aggregates/hsm-groups";
import type { DbOrTx } from "@/server/db";
import { localGroupName, localHsmNode } from "@/server/hsm/local-softhsm-node";

/**
 * Certificates the console may serve its own HTTPS with: active, with the key in this node's
 * built-in Local-SoftHSM (a network HSM could leave the console unreachable when it is).
 */
export async function consoleCertificateChoices(db: DbOrTx, tenantId: string): Promise<CertificateRow[]> {
  const local = await builtInGroup(db, localGroupName(localHsmNode()));
  if (!local) return [];
  return certificatesInGroup(db, tenantId, local.id, { activeWithKey: true });
}

/** One eligible certificate, or an error that says why this one cannot serve the console. */
export async function consoleCertificate(
  db: DbOrTx,
  tenantId: string | null,
  certificateId: string,
): Promise<{ cert: CertificateRow; group: GroupRow }> {
  // tenantId null: the console's own start-up, reading the choice an admin made.
  const row = await certificateWithGroup(db, tenantId, certificateId);
  if (!row) throw new AppError("NOT_FOUND", "This certificate does not exist.", { field: "certificateId" });
  const { cert, group } = row;
  const own = localGroupName(localHsmNode());
  if (!group?.builtIn || group.name !== own)
    throw new AppError(
      "VALIDATION",
      `Certificate ${cert.name} has its key ${group ? `in HSM group ${group.name}` : "outside any HSM"}; the console's own HTTPS key must be in ${own}. Create a certificate there first.`,
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
