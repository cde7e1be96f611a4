import { AppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { hsmPackageChunks, hsmPackages } from "@/server/db/schema";
import {
  type ByteSource,
  type HsmPackageReport,
  type HsmPackageType,
  inspectHsmPackage,
} from "@/server/packages";
import type { Actor } from "@/server/services/actor";
import { markRestartRequired } from "../service-engines/restart-required";
import { CHUNK_BYTES, GROUP_TYPES_OF_PACKAGE, MAX_PACKAGE_BYTES } from "./package-types";
import { SpoolFile } from "./spool-file";

export interface UploadPackageInput {
  type: HsmPackageType;
  fileName: string;
  stream: ByteSource;
  maxBytes?: number;
}

export interface UploadPackageResult {
  id: string;
  name: string;
  report: HsmPackageReport;
  restartRequired: number;
}

/**
 * Validates the upload while it streams in (never extracted, capped as counted), spools its bytes
 * to a private file (never whole in memory), and only then stores the package row and every
 * ~1 MiB chunk in ONE transaction: a refused or failed upload leaves nothing behind.
 */
export async function uploadHsmPackage(
  db: Db,
  actor: Actor,
  input: UploadPackageInput,
): Promise<UploadPackageResult> {
  const spool = await SpoolFile.create();
  try {
    async function* keep(source: ByteSource): AsyncGenerator<Buffer> {
      for await (const part of source) {
        const buffer = Buffer.from(part);
        await spool.append(buffer);
        yield buffer;
      }
    }
    const report = await inspectHsmPackage({
      type: input.type,
      stream: keep(input.stream),
      limits: { maxArchiveBytes: input.maxBytes ?? MAX_PACKAGE_BYTES },
    });
    const { id, restartRequired } = await store(db, actor, input, report, spool);
    return { id, name: input.fileName, report, restartRequired };
  } finally {
    await spool.remove();
  }
}

async function store(
  db: Db,
  actor: Actor,
  input: UploadPackageInput,
  report: HsmPackageReport,
  spool: SpoolFile,
) {
  const name = input.fileName;
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(hsmPackages)
      .values({
        type: input.type,
        version: report.version,
        fileName: name,
        size: report.size,
        sha256: report.sha256,
        members: report.members.map((m) => ({ name: m.name, size: m.size, sha256: m.sha256 })),
        uploadedBy: actor.username,
      })
      .returning({ id: hsmPackages.id });
    if (!row) throw new AppError("INTERNAL", "The package could not be stored.");
    let seq = 0;
    for await (const data of spool.chunks(CHUNK_BYTES)) {
      await tx.insert(hsmPackageChunks).values({ packageId: row.id, seq: seq++, data });
    }
    const reason = `HSM package ${name} (${input.type} ${report.version ?? "unknown version"}) uploaded: restart to install it.`;
    return {
      id: row.id,
      restartRequired: await markRestartRequired(
        tx,
        { hsmTypes: GROUP_TYPES_OF_PACKAGE[input.type] },
        reason,
      ),
    };
  });
}
