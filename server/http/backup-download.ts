import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import { AppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { writeAudit } from "@/server/services/audit/write-audit";
import { backupForActor } from "@/server/services/backup/backup-for-actor";
import { errorResponse } from "./error-response";
import { guardRequest } from "./request-guard";

/** Served by the console's listener (scripts/serve.ts webRoutes), beside the package upload. */
export const BACKUP_PATH = "/api/fileservice/backup";
/** The response header naming the master key the backup needs (its fingerprint, never the key). */
export const MASTER_KEY_HEADER = "x-hsm-console-master-key-fingerprint";

/**
 * POST /api/fileservice/backup: makes the console's backup and answers it as a download
 * (.tar.gz; POST: it makes something, is audited, and from a browser must carry the console's
 * Origin like every cookie write), for an admin
 * of the admin tenant (session cookie from the page, or an API token from `hsm-console backup`).
 * Written to a private temp file first (the dump must be whole before the first byte is sent),
 * streamed, then deleted.
 */
export async function handleBackupDownload(req: Request): Promise<Response> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-backup-download-"));
  const file = path.join(dir, "backup.tar.gz");
  try {
    if (req.method !== "POST") throw new AppError("VALIDATION", "Use POST to make and download a backup.");
    const guarded = await guardRequest(req);
    if (!guarded.actor) {
      const refusal = new AppError("UNAUTHENTICATED", guarded.authRefusal ?? "Sign in to download a backup.");
      await auditAnonymousRefusal(guarded.db, guarded.address, refusal.message);
      throw refusal;
    }
    const manifest = await backupForActor(guarded.actor, file);
    const stream = fs.createReadStream(file);
    stream.on("close", () => fs.rmSync(dir, { recursive: true, force: true }));
    const name = `hsm-console-backup-${manifest.createdAt.replace(/[:.]/g, "-")}.tar.gz`;
    return new Response(Readable.toWeb(stream) as ReadableStream, {
      status: 200,
      headers: {
        "content-type": "application/gzip",
        "content-length": String(fs.statSync(file).size),
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
        [MASTER_KEY_HEADER]: manifest.masterKey.fingerprint,
      },
    });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    return errorResponse(error);
  }
}

/** Counted per address and hour by the audit log (callers who are not signed in get no row each). */
function auditAnonymousRefusal(db: Db, address: string | null, reason: string): Promise<void> {
  return writeAudit(db, {
    tenantId: null,
    actorId: null,
    actorName: "anonymous",
    address,
    action: "backup.create",
    objectType: "backup",
    outcome: "denied",
    detail: { code: "UNAUTHENTICATED", message: reason },
  }).catch(() => {});
}
