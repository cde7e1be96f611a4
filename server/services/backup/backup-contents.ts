import fs from "node:fs";
import path from "node:path";
import { desc, inArray } from "drizzle-orm";
import type { BackupContents } from "@/lib/schemas/backup";
import { dataDir } from "@/server/config/env";
import { loadMasterKey } from "@/server/crypto/master-key";
import { getDbHandle } from "@/server/db";
import { auditLog, hsmPackages, localHsmTokens } from "@/server/db/schema";
import { localSoftHsmDir } from "@/server/hsm/local-softhsm-env";
import type { Actor } from "../actor";
import { assertMayBackUp } from "./backup-for-actor";
import { masterKeyFingerprint } from "./master-key-file";

const HISTORY = 10;

/** What a backup taken now would hold (the page shows it beside the download), for an admin. */
export async function backupContents(actor: Actor): Promise<BackupContents> {
  assertMayBackUp(actor);
  const handle = await getDbHandle();
  const level = await handle.level();
  const tokens = await handle.db.select().from(localHsmTokens);
  const packages = await handle.db
    .select({
      fileName: hsmPackages.fileName,
      type: hsmPackages.type,
      version: hsmPackages.version,
      size: hsmPackages.size,
    })
    .from(hsmPackages);
  const history = await handle.db
    .select({
      at: auditLog.at,
      action: auditLog.action,
      actorName: auditLog.actorName,
      outcome: auditLog.outcome,
    })
    .from(auditLog)
    .where(inArray(auditLog.action, ["backup.create", "backup.restore"]))
    .orderBy(desc(auditLog.at))
    .limit(HISTORY);
  const tokenFiles = filesUnder(path.join(localSoftHsmDir(), "tokens"));
  return {
    database: { kind: handle.kind, migrationsApplied: level.applied, lastMigration: level.lastTag },
    masterKeyFingerprint: masterKeyFingerprint(loadMasterKey()),
    packages,
    // One token folder holds the Local-SoftHSM token; its files are counted as a whole.
    localTokens: tokens.map((t) => ({ label: t.label, serial: t.serial, ...tokenFiles })),
    consoleTls: fs.existsSync(path.join(dataDir(), "tls", "console.crt")),
    libraryAllowList: fs.existsSync(path.join(dataDir(), "pkcs11-libraries.json")),
    history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
  };
}

function filesUnder(dir: string): { files: number; bytes: number } {
  if (!fs.existsSync(dir)) return { files: 0, bytes: 0 };
  let files = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += fs.statSync(path.join(entry.parentPath, entry.name)).size;
  }
  return { files, bytes };
}
