import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";
import { journalEntries } from "@/server/db/migration-level";
import { loadPgliteDump } from "@/server/db/pglite-dump";
import { loadPostgresDump, postgresHasTables } from "@/server/db/postgres-dump";
import { type BackupManifest, PARTS } from "./manifest";
import { masterKeyFingerprint } from "./master-key-file";
import { unpackArchive } from "./read-archive";
import { unseal } from "./sealed-file";

export interface RestoreBackupInput {
  archive: string;
  /** The console's data folder to restore into (the console must be stopped). */
  dataDir: string;
  /** The backup's master key: from `backup --with-master-key`, or the configured HSM_CONSOLE_MASTER_KEY. */
  masterKey: Buffer | null;
  /** True when the key comes from HSM_CONSOLE_MASTER_KEY: no master.key file is written then. */
  masterKeyFromEnv: boolean;
  /** Replace a data folder that is not empty (it is kept beside, renamed). */
  force: boolean;
  /** DATABASE_URL when the console uses PostgreSQL. */
  databaseUrl?: string;
}

export interface RestoreResult {
  manifest: BackupManifest;
  /** Where the replaced data folder was moved, when there was one. */
  previous: string | null;
}

/**
 * Restores a backup, all or nothing: the archive is unpacked and checked in a private folder
 * beside the data folder, the new data folder is built there (database loaded, tokens, TLS files,
 * master key), and only then swapped in with a rename; the old folder is kept as
 * `<data>.before-restore-<date>`. Refuses before touching anything: a damaged or foreign archive,
 * the wrong master key (naming the one needed), a backup from newer code, a non-empty data folder
 * without `force`, a PostgreSQL database that already holds tables.
 */
export async function restoreBackup(input: RestoreBackupInput): Promise<RestoreResult> {
  const dataDir = path.resolve(input.dataDir);
  refuseBusyFolder(dataDir, input.force);
  const parent = path.dirname(dataDir);
  fs.mkdirSync(parent, { recursive: true });
  const work = fs.mkdtempSync(path.join(parent, `.${path.basename(dataDir)}.restore-`));
  try {
    const unpacked = path.join(work, "archive");
    fs.mkdirSync(unpacked, { mode: 0o700 });
    const manifest = await unpackArchive(input.archive, unpacked);
    const key = checkMasterKey(manifest, input.masterKey);
    checkLevel(manifest);
    checkDatabaseKind(manifest, input.databaseUrl);
    const built = path.join(work, "data");
    await buildDataFolder(unpacked, built, manifest, key, input);
    const previous = swapIn(built, dataDir);
    return { manifest, previous };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function refuseBusyFolder(dataDir: string, force: boolean): void {
  if (force || !fs.existsSync(dataDir) || fs.readdirSync(dataDir).length === 0) return;
  throw new AppError(
    "CONFLICT",
    `The data folder ${dataDir} is not empty. Stop the console and restore with --force to replace it (the old folder is kept beside it), or restore into an empty folder.`,
    { field: "data" },
  );
}

function checkMasterKey(manifest: BackupManifest, key: Buffer | null): Buffer {
  const needed = manifest.masterKey.fingerprint;
  if (!key)
    throw new AppError(
      "VALIDATION",
      `This backup needs the master key with fingerprint ${needed}: pass --master-key FILE (the file written by backup --with-master-key) or set HSM_CONSOLE_MASTER_KEY.`,
      { field: "masterKey" },
    );
  const given = masterKeyFingerprint(key);
  if (given !== needed)
    throw new AppError(
      "VALIDATION",
      `Wrong master key: this backup needs the master key with fingerprint ${needed}, the key given has ${given}. Nothing was restored.`,
      { field: "masterKey" },
    );
  return key;
}

function checkLevel(manifest: BackupManifest): void {
  const known = journalEntries().length;
  if (manifest.database.migrations.applied > known)
    throw new AppError(
      "VALIDATION",
      `This backup was made by a newer console (database migration ${manifest.database.migrations.lastTag}, ${manifest.database.migrations.applied} migrations; this one knows ${known}). Restore it with that version or newer.`,
      { field: "archive" },
    );
}

function checkDatabaseKind(manifest: BackupManifest, databaseUrl: string | undefined): void {
  const wanted = databaseUrl ? "postgres" : "pglite";
  if (manifest.database.kind !== wanted)
    throw new AppError(
      "VALIDATION",
      manifest.database.kind === "pglite"
        ? "This backup holds an embedded (PGlite) database: unset DATABASE_URL to restore it."
        : "This backup holds a PostgreSQL database: set DATABASE_URL to an empty database to restore it into.",
      { field: "archive" },
    );
}

async function buildDataFolder(
  unpacked: string,
  built: string,
  manifest: BackupManifest,
  key: Buffer,
  input: RestoreBackupInput,
): Promise<void> {
  fs.mkdirSync(built, { mode: 0o700 });
  const dump = path.join(unpacked, manifest.database.file);
  if (manifest.database.kind === "pglite")
    await loadPgliteDump(path.join(built, "pgdata"), fs.readFileSync(dump));
  else await loadIntoPostgres(input.databaseUrl!, dump);
  const tokens = path.join(unpacked, PARTS.tokens);
  const softhsm = path.join(built, "softhsm");
  fs.mkdirSync(softhsm, { mode: 0o700 });
  if (fs.existsSync(tokens)) fs.renameSync(tokens, path.join(softhsm, "tokens"));
  restoreConfig(unpacked, built, key);
  if (!input.masterKeyFromEnv)
    fs.writeFileSync(path.join(built, "master.key"), `${key.toString("base64")}\n`, {
      mode: 0o600,
      flag: "wx",
    });
}

async function loadIntoPostgres(url: string, dump: string): Promise<void> {
  if (await postgresHasTables(url))
    throw new AppError(
      "CONFLICT",
      "The PostgreSQL database named by DATABASE_URL already holds tables: restore into a new, empty database (createdb) and point DATABASE_URL at it.",
      { field: "DATABASE_URL" },
    );
  await loadPostgresDump(url, dump);
}

function restoreConfig(unpacked: string, built: string, key: Buffer): void {
  const move = (from: string, to: string, mode: number) => {
    const source = path.join(unpacked, from);
    if (!fs.existsSync(source)) return;
    fs.mkdirSync(path.dirname(path.join(built, to)), { recursive: true, mode: 0o700 });
    fs.renameSync(source, path.join(built, to));
    fs.chmodSync(path.join(built, to), mode);
  };
  move(PARTS.libraries, "pkcs11-libraries.json", 0o644);
  move(PARTS.tlsCert, "tls/console.crt", 0o644);
  move(PARTS.tlsFront, "tls/front.json", 0o644);
  const sealed = path.join(unpacked, PARTS.tlsKeySealed);
  if (fs.existsSync(sealed))
    fs.writeFileSync(
      path.join(built, "tls", "console.key"),
      unseal(key, fs.readFileSync(sealed, "utf8"), PARTS.tlsKeySealed),
      { mode: 0o600, flag: "wx" },
    );
}

/** The one moment the data folder changes: two renames on one file system (undone if the second fails). */
function swapIn(built: string, dataDir: string): string | null {
  let previous: string | null = null;
  if (fs.existsSync(dataDir)) {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    previous = `${dataDir}.before-restore-${stamp}-${crypto.randomBytes(3).toString("hex")}`;
    fs.renameSync(dataDir, previous);
  }
  try {
    // 0700 now; the console opens it to its unprivileged SE users at start (traversable.ts).
    fs.renameSync(built, dataDir);
  } catch (error) {
    if (previous) fs.renameSync(previous, dataDir);
    throw error;
  }
  return previous;
}
