import os from "node:os";
import path from "node:path";
import { openDb } from "@/server/db/client";
import { writeAudit } from "../audit/write-audit";
import { summary } from "./backup-for-actor";
import type { RestoreResult } from "./restore-backup";

/**
 * The restore is written into the restored database's audit log (who on this host, from which
 * archive), so the console's own history shows it. Restores run on the host, console stopped.
 */
export async function recordRestore(
  result: RestoreResult,
  where: { dataDir: string; databaseUrl?: string; archive: string },
): Promise<void> {
  const handle = await openDb(
    where.databaseUrl ? { url: where.databaseUrl } : { pgliteDir: path.join(where.dataDir, "pgdata") },
  );
  try {
    await writeAudit(handle.db, {
      tenantId: null,
      actorId: null,
      actorName: `local:${os.userInfo().username}`,
      address: null,
      action: "backup.restore",
      objectType: "backup",
      objectName: path.basename(where.archive).slice(0, 200),
      outcome: "success",
      detail: {
        ...summary(result.manifest),
        backupCreatedAt: result.manifest.createdAt,
        backupCreatedBy: result.manifest.createdBy,
        previousDataFolder: result.previous,
      },
    });
  } finally {
    await handle.close();
  }
}
