import { AppError, isAppError } from "@/lib/errors";
import { dataDir } from "@/server/config/env";
import { loadMasterKey } from "@/server/crypto/master-key";
import { getDbHandle } from "@/server/db";
import type { Actor } from "../actor";
import { writeAudit } from "../audit/write-audit";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";
import { consoleVersion } from "./console-version";
import { createBackup } from "./create-backup";
import type { BackupManifest } from "./manifest";

/**
 * A backup holds every tenant's configuration and the Local-SoftHSM tokens: only an admin of the
 * admin tenant may take one. Refusals and failures are audited as well as successes.
 */
export function assertMayBackUp(actor: Actor): void {
  if (actor.role !== "admin" || actor.tenantName !== DEFAULT_TENANT)
    throw new AppError(
      "FORBIDDEN",
      `A backup holds every tenant's configuration: only an admin of the "${DEFAULT_TENANT}" tenant may download one.`,
    );
}

/** Writes the running console's backup to `out` for an authorised actor, with an audit entry. */
export async function backupForActor(actor: Actor, out: string): Promise<BackupManifest> {
  const handle = await getDbHandle();
  const audit = (outcome: "success" | "failure" | "denied", detail: Record<string, unknown>) =>
    writeAudit(handle.db, {
      tenantId: actor.tenantId,
      actorId: actor.userId,
      actorName: actor.username,
      address: actor.address,
      action: "backup.create",
      objectType: "backup",
      objectName: "console backup",
      outcome,
      detail,
    });
  try {
    assertMayBackUp(actor);
    const manifest = await createBackup({
      handle,
      dataDir: dataDir(),
      masterKey: loadMasterKey(),
      createdBy: actor.username,
      out,
      consoleVersion: consoleVersion(),
    });
    await audit("success", summary(manifest));
    return manifest;
  } catch (error) {
    const app = isAppError(error) ? error : null;
    await audit(app?.code === "FORBIDDEN" ? "denied" : "failure", {
      code: app?.code ?? "INTERNAL",
      message: app?.message ?? "The backup could not be written (see the server log).",
    }).catch(() => {});
    throw error;
  }
}

/** What the audit log keeps of a backup (facts, no secrets). */
export function summary(manifest: BackupManifest): Record<string, unknown> {
  return {
    database: manifest.database.kind,
    migration: manifest.database.migrations.lastTag,
    files: manifest.files.length,
    bytes: manifest.files.reduce((sum, f) => sum + f.size, 0),
    packages: manifest.packages.length,
    masterKeyFingerprint: manifest.masterKey.fingerprint,
  };
}
