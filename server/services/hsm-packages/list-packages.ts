import { desc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { HsmPackage } from "@/lib/schemas/hsm-packages";
import type { Db } from "@/server/db";
import { hsmPackages } from "@/server/db/schema";
import type { Actor } from "@/server/services/actor";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";
import { markRestartRequired } from "../service-engines/restart-required";
import { GROUP_TYPES_OF_PACKAGE } from "./package-types";

/**
 * Packages are shared by every tenant and console node (they are software, not configuration);
 * who uploaded them is the installation's business: other tenants see the package, not the person.
 */
export async function listHsmPackages(db: Db, actor: Actor): Promise<HsmPackage[]> {
  const rows = await db
    .select({
      id: hsmPackages.id,
      type: hsmPackages.type,
      version: hsmPackages.version,
      fileName: hsmPackages.fileName,
      size: hsmPackages.size,
      sha256: hsmPackages.sha256,
      members: hsmPackages.members,
      uploadedBy: hsmPackages.uploadedBy,
      uploadedAt: hsmPackages.uploadedAt,
    })
    .from(hsmPackages)
    .orderBy(desc(hsmPackages.uploadedAt));
  const installation = actor.tenantName === DEFAULT_TENANT;
  return rows.map((r) => ({
    ...r,
    uploadedBy: installation ? r.uploadedBy : "the installation's administrator",
    name: r.fileName,
    uploadedAt: r.uploadedAt.toISOString(),
  }));
}

/** Deletes a package (its chunks go with it) and marks the SEs that used it "restart required". */
export async function deleteHsmPackage(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string }> {
  assertInstallationAdmin(actor);
  return db.transaction(async (tx) => {
    const [row] = await tx.delete(hsmPackages).where(eq(hsmPackages.id, id)).returning();
    if (!row)
      throw new AppError("NOT_FOUND", "This HSM package does not exist (it may have been deleted already).");
    const reason = `HSM package ${row.fileName} was deleted: restart to remove it.`;
    await markRestartRequired(tx, { hsmTypes: GROUP_TYPES_OF_PACKAGE[row.type] }, reason);
    return { id: row.id, name: row.fileName };
  });
}

/** Packages are installation-wide (every tenant's SEs use them): changed only from the admin tenant. */
export function assertInstallationAdmin(actor: Actor): void {
  if (actor.tenantName !== DEFAULT_TENANT) {
    throw new AppError(
      "FORBIDDEN",
      `HSM packages are shared by every tenant: upload or delete them as a user of the "${DEFAULT_TENANT}" tenant.`,
    );
  }
}
