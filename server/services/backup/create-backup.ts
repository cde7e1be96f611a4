import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import type { DbHandle } from "@/server/db/client";
import { hsmPackages, localHsmTokens } from "@/server/db/schema";
import { digestTree } from "./files-digest";
import { BACKUP_FORMAT, type BackupManifest, MANIFEST_NAME, PARTS } from "./manifest";
import { masterKeyFingerprint } from "./master-key-file";
import { seal } from "./sealed-file";

const run = promisify(execFile);

export interface CreateBackupInput {
  handle: DbHandle;
  /** The console's data folder (tokens, TLS files, library allow-list). */
  dataDir: string;
  /** The key the database's secrets are encrypted with (named in the manifest, never stored). */
  masterKey: Buffer;
  /** Who asked (user name, or `local:<os user>` for the CLI on the host). */
  createdBy: string;
  /** The archive to write (.tar.gz); written beside as .partial, then renamed, mode 0600. */
  out: string;
  consoleVersion: string;
}

/**
 * One archive: the database dump (first: a key made after it is an orphan the reconciler lists,
 * never a row without its key), the Local-SoftHSM token folder (objects encrypted by the token's
 * PINs, which the database holds encrypted by the master key), the console's TLS files (its key
 * sealed with the master key), the library allow-list and the manifest. HSM packages are rows of
 * the database and travel in its dump; the manifest lists them. The master key never goes in.
 */
export async function createBackup(input: CreateBackupInput): Promise<BackupManifest> {
  const staging = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-backup-"));
  try {
    const database = await stageDatabase(input.handle, staging);
    stageTokens(input.dataDir, staging);
    stageConfig(input.dataDir, staging, input.masterKey);
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      consoleVersion: input.consoleVersion,
      createdAt: new Date().toISOString(),
      createdBy: input.createdBy,
      node: os.hostname(),
      database,
      masterKey: { fingerprint: masterKeyFingerprint(input.masterKey), inArchive: false },
      packages: await input.handle.db
        .select({
          fileName: hsmPackages.fileName,
          type: hsmPackages.type,
          version: hsmPackages.version,
          size: hsmPackages.size,
          sha256: hsmPackages.sha256,
        })
        .from(hsmPackages),
      localTokens: await input.handle.db
        .select({ label: localHsmTokens.label, serial: localHsmTokens.serial })
        .from(localHsmTokens),
      files: digestTree(staging),
    };
    fs.writeFileSync(path.join(staging, MANIFEST_NAME), `${JSON.stringify(manifest, null, 2)}\n`);
    await writeArchive(staging, input.out);
    return manifest;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

async function stageDatabase(handle: DbHandle, staging: string): Promise<BackupManifest["database"]> {
  const file = handle.kind === "pglite" ? PARTS.pgliteDump : PARTS.postgresDump;
  const dump = await handle.dump();
  const migrations = await handle.level();
  fs.mkdirSync(path.join(staging, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(staging, file), dump, { mode: 0o600 });
  return { kind: handle.kind, file, migrations };
}

function stageTokens(dataDir: string, staging: string): void {
  // The Local-SoftHSM token folder (server/hsm/local-softhsm-env.ts) of the folder backed up.
  const tokens = path.join(dataDir, "softhsm", "tokens");
  if (!fs.existsSync(tokens)) return;
  fs.cpSync(tokens, path.join(staging, PARTS.tokens), { recursive: true });
}

function stageConfig(dataDir: string, staging: string, masterKey: Buffer): void {
  const copy = (from: string, to: string) => {
    if (!fs.existsSync(from)) return;
    fs.mkdirSync(path.join(staging, path.dirname(to)), { recursive: true });
    fs.copyFileSync(from, path.join(staging, to));
  };
  copy(path.join(dataDir, "pkcs11-libraries.json"), PARTS.libraries);
  copy(path.join(dataDir, "tls", "console.crt"), PARTS.tlsCert);
  copy(path.join(dataDir, "tls", "front.json"), PARTS.tlsFront);
  const key = path.join(dataDir, "tls", "console.key");
  if (fs.existsSync(key))
    fs.writeFileSync(
      path.join(staging, PARTS.tlsKeySealed),
      seal(masterKey, fs.readFileSync(key, "utf8"), PARTS.tlsKeySealed),
      { mode: 0o600 },
    );
}

/** tar + gzip of the staged parts (an argument array, no shell), renamed into place when whole. */
async function writeArchive(staging: string, out: string): Promise<void> {
  const partial = `${out}.partial`;
  fs.rmSync(partial, { force: true });
  const parts = fs.readdirSync(staging).sort();
  await run("tar", [
    "--create",
    "--gzip",
    "--file",
    partial,
    "--directory",
    staging,
    "--owner=0",
    "--group=0",
    "--numeric-owner",
    ...parts,
  ]);
  fs.chmodSync(partial, 0o600);
  fs.renameSync(partial, out);
}
