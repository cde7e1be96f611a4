import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "@/server/config/env";
import { BACKUP_PATH, MASTER_KEY_HEADER } from "@/server/http/backup-download";
import {
  configuredMasterKey,
  masterKeyFingerprint,
  writeMasterKeyFile,
} from "@/server/services/backup/master-key-file";
import { backupOffline } from "@/server/services/backup/backup-offline";
import { CliError, usage } from "../errors";
import { json } from "../format";
import type { Command } from "../registry";
import { parseFlags } from "./flags";
import { asCliErrors } from "./host-errors";

const USAGE = "backup FILE [--with-master-key KEYFILE] [--data DIR] [--offline]";

/**
 * `backup FILE`: the console's backup archive, made by the console itself (its database is only
 * consistent from inside), downloaded over the API as an admin; `--offline` on the host with the
 * console stopped opens the data folder's database itself instead. The master key never travels:
 * `--with-master-key KEYFILE` reads it on this host (the console's: HSM_CONSOLE_MASTER_KEY or
 * <data>/master.key), checks it is the one the backup names, and writes it to its own file.
 */
export const backup: Command = {
  verb: "backup",
  usage: USAGE,
  summary:
    "download the console's backup (database, SoftHSM tokens, manifest); the master key only on request",
  run: (args, session) =>
    asCliErrors(async () => {
      const { positional, values, switches } = parseFlags(
        args,
        { values: ["--with-master-key", "--data"], switches: ["--offline"] },
        USAGE,
      );
      if (positional.length !== 1) throw usage(`Usage: ${USAGE}`);
      const file = path.resolve(positional[0]!);
      const keyFile = values["--with-master-key"] && path.resolve(values["--with-master-key"]);
      if (fs.existsSync(file)) throw new CliError(`${file} exists: choose a new file name.`);
      if (keyFile && fs.existsSync(keyFile))
        throw new CliError(`${keyFile} exists: choose a new file for the master key.`);
      // The key is checked before the download, so a wrong host fails fast and writes nothing.
      const key = keyFile ? localKey(values["--data"]) : null;
      const answer = switches.has("--offline")
        ? await offline(values["--data"], file)
        : await session.client().download("POST", BACKUP_PATH);
      const needed = String(answer.headers[MASTER_KEY_HEADER] ?? "");
      if (key && masterKeyFingerprint(key) !== needed)
        throw new CliError(
          `The master key on this host (${masterKeyFingerprint(key)}) is not the one this backup needs (${needed}): run backup on the console's host, or name its data folder with --data. Nothing was written.`,
        );
      if (answer.body.length) fs.writeFileSync(file, answer.body, { mode: 0o600, flag: "wx" });
      if (key && keyFile) writeMasterKeyFile(keyFile, key);
      const bytes = fs.statSync(file).size;
      const result = {
        file,
        bytes,
        masterKeyFingerprint: needed,
        masterKeyFile: keyFile || null,
      };
      session.out(
        session.json
          ? json(result)
          : [
              `Wrote ${file} (${bytes} bytes).`,
              `Restoring it needs the master key with fingerprint ${needed}.`,
              keyFile
                ? `Wrote the master key to ${keyFile}: keep it apart from the backup.`
                : "The master key is not in the archive: keep <data>/master.key (or HSM_CONSOLE_MASTER_KEY) safe, or export it with --with-master-key.",
            ].join("\n"),
      );
    }),
};

function localKey(dataFlag: string | undefined): Buffer {
  const dir = dataFlag ? path.resolve(dataFlag) : dataDir();
  const key = configuredMasterKey(dir, env().HSM_CONSOLE_MASTER_KEY);
  if (!key)
    throw new CliError(
      `No master key on this host: ${path.join(dir, "master.key")} does not exist and HSM_CONSOLE_MASTER_KEY is unset. Run backup on the console's host, or name its data folder with --data.`,
    );
  return key;
}

/** The backup made here (console stopped), shaped like the console's answer: written in place. */
async function offline(dataFlag: string | undefined, file: string) {
  const { DATABASE_URL: databaseUrl, HSM_CONSOLE_MASTER_KEY: masterKeyFromEnv } = env();
  const manifest = await backupOffline({
    dataDir: dataFlag ? path.resolve(dataFlag) : dataDir(),
    out: file,
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(masterKeyFromEnv ? { masterKeyFromEnv } : {}),
  });
  return { body: Buffer.alloc(0), headers: { [MASTER_KEY_HEADER]: manifest.masterKey.fingerprint } };
}
