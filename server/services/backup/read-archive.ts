import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream";
import zlib from "node:zlib";
import { AppError, isAppError } from "@/lib/errors";
import { readTar, type TarLimits, type TarMember, type TarSink } from "@/server/packages";
import { digestTree } from "./files-digest";
import { ALLOWED_PREFIXES, type BackupManifest, MANIFEST_NAME, ZManifest } from "./manifest";

/** Caps on what an archive may unpack to (counted after decompression, before bytes are kept). */
export const BACKUP_LIMITS: TarLimits = {
  maxArchiveBytes: 16 * 1024 * 1024 * 1024,
  maxEntryBytes: 8 * 1024 * 1024 * 1024,
  maxEntries: 200_000,
  maxDepth: 8,
  maxNameBytes: 512,
};
const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;

const refuse = (why: string) =>
  new AppError("VALIDATION", `The backup archive is refused: ${why}`, { field: "archive" });

/**
 * Unpacks a backup archive into `into` (an empty private folder) and checks it whole: gzip of a tar
 * with only plain files and folders under the known parts (no `..`, absolute names or links, sizes
 * bounded: server/packages' tar reader), a manifest of this format, and every file present with
 * the size and SHA-256 the manifest lists, nothing more. Returns the manifest.
 */
export async function unpackArchive(
  archive: string,
  into: string,
  limits = BACKUP_LIMITS,
): Promise<BackupManifest> {
  if (!fs.existsSync(archive))
    throw new AppError("NOT_FOUND", `${archive} does not exist.`, { field: "archive" });
  const gunzip = zlib.createGunzip();
  pipeline(fs.createReadStream(archive), gunzip, () => {});
  try {
    await readTar(gunzip, { limits, field: "archive", onMember: (member) => extract(into, member) });
  } catch (error) {
    if (isAppError(error)) throw refuse(error.message.replace(/^The package( is refused:)? ?/, ""));
    throw refuse(`it is not a gzip-compressed tar made by hsm-console backup (${(error as Error).message}).`);
  }
  const manifest = readManifest(into);
  checkFiles(into, manifest);
  return manifest;
}

function extract(root: string, member: TarMember): TarSink | undefined {
  const allowed =
    member.name === MANIFEST_NAME ||
    ALLOWED_PREFIXES.some((p) => member.name.startsWith(p) || `${member.name}/` === p);
  if (!allowed) throw refuse(`"${member.name}" is not a part of a console backup.`);
  const target = path.resolve(root, member.name);
  if (!target.startsWith(`${path.resolve(root)}${path.sep}`))
    throw refuse(`"${member.name}" leaves the archive.`);
  if (member.kind === "directory") {
    fs.mkdirSync(target, { recursive: true, mode: 0o700 });
    return undefined;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(target, "wx", 0o600);
  return {
    write: (chunk) => void fs.writeSync(fd, chunk),
    end: () => fs.closeSync(fd),
  };
}

function readManifest(root: string): BackupManifest {
  const file = path.join(root, MANIFEST_NAME);
  if (!fs.existsSync(file)) throw refuse("it has no manifest.json.");
  if (fs.statSync(file).size > MAX_MANIFEST_BYTES) throw refuse("its manifest is too large.");
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    throw refuse("its manifest is not JSON.");
  }
  const parsed = ZManifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw refuse(`its manifest is not one this console reads (${issue.path.join(".")}: ${issue.message}).`);
  }
  return parsed.data;
}

function checkFiles(root: string, manifest: BackupManifest): void {
  const listed = new Map(manifest.files.map((f) => [f.path, f]));
  const found = digestTree(root, [MANIFEST_NAME]);
  for (const file of found) {
    const expected = listed.get(file.path);
    if (!expected) throw refuse(`"${file.path}" is not listed in the manifest.`);
    if (expected.size !== file.size || expected.sha256 !== file.sha256)
      throw refuse(
        `"${file.path}" does not match its checksum in the manifest: the archive is damaged or altered.`,
      );
    listed.delete(file.path);
  }
  const missing = [...listed.keys()];
  if (missing.length) throw refuse(`"${missing[0]}" is listed in the manifest but missing.`);
  if (!manifest.files.some((f) => f.path === manifest.database.file))
    throw refuse("it holds no database dump.");
}
