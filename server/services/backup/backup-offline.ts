import os from "node:os";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { openDb } from "@/server/db/client";
import { writeAudit } from "../audit/write-audit";
import { summary } from "./backup-for-actor";
import { consoleVersion } from "./console-version";
import { createBackup } from "./create-backup";
import type { BackupManifest } from "./manifest";
import { configuredMasterKey } from "./master-key-file";

export interface OfflineBackupInput {
  dataDir: string;
  databaseUrl?: string;
  /** HSM_CONSOLE_MASTER_KEY when set (else <data>/master.key). */
  masterKeyFromEnv?: string;
  out: string;
}

/**
 * A backup taken on the host with the console stopped (PGlite admits one process): the database
 * is opened here, and the backup is audited in it as `local:<user>`.
 */
export async function backupOffline(input: OfflineBackupInput): Promise<BackupManifest> {
  const masterKey = configuredMasterKey(input.dataDir, input.masterKeyFromEnv);
  if (!masterKey)
    throw new AppError(
      "VALIDATION",
      `${input.dataDir} has no master.key and HSM_CONSOLE_MASTER_KEY is unset: this is not a console's data folder.`,
      { field: "data" },
    );
  const handle = await openDb(
    input.databaseUrl ? { url: input.databaseUrl } : { pgliteDir: path.join(input.dataDir, "pgdata") },
  );
  try {
    const createdBy = `local:${os.userInfo().username}`;
    const manifest = await createBackup({
      handle,
      dataDir: input.dataDir,
      masterKey,
      createdBy,
      out: input.out,
      consoleVersion: consoleVersion(),
    });
    await writeAudit(handle.db, {
      tenantId: null,
      actorId: null,
      actorName: createdBy,
      address: null,
      action: "backup.create",
      objectType: "backup",
      objectName: path.basename(input.out).slice(0, 200),
      outcome: "success",
      detail: summary(manifest),
    });
    return manifest;
  } finally {
    await handle.close();
  }
}
