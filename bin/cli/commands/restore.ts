import path from "node:path";
import { dataDir, env } from "@/server/config/env";
import { configuredMasterKey, readMasterKeyFile } from "@/server/services/backup/master-key-file";
import { recordRestore } from "@/server/services/backup/record-restore";
import { restoreBackup } from "@/server/services/backup/restore-backup";
import { usage } from "../errors";
import { json } from "../format";
import type { Command } from "../registry";
import { parseFlags } from "./flags";
import { asCliErrors } from "./host-errors";

const USAGE = "restore FILE [--data DIR] [--master-key KEYFILE] [--force]";

/**
 * `restore FILE` on the console's host, with the console stopped: the archive is checked whole and
 * the data folder replaced in one swap (see server/services/backup/restore-backup.ts). The master
 * key comes from --master-key (the file `backup --with-master-key` wrote) or HSM_CONSOLE_MASTER_KEY.
 */
export const restore: Command = {
  verb: "restore",
  usage: USAGE,
  summary: "restore a backup into the data folder (console stopped; --force replaces a non-empty one)",
  run: (args, session) =>
    asCliErrors(async () => {
      const { positional, values, switches } = parseFlags(
        args,
        { values: ["--data", "--master-key"], switches: ["--force"] },
        USAGE,
      );
      if (positional.length !== 1) throw usage(`Usage: ${USAGE}`);
      const archive = path.resolve(positional[0]!);
      const dir = values["--data"] ? path.resolve(values["--data"]) : dataDir();
      const { HSM_CONSOLE_MASTER_KEY: fromEnv, DATABASE_URL: databaseUrl } = env();
      const keyFile = values["--master-key"];
      const masterKey = keyFile
        ? readMasterKeyFile(path.resolve(keyFile))
        : fromEnv
          ? configuredMasterKey(dir, fromEnv)
          : null;
      const result = await restoreBackup({
        archive,
        dataDir: dir,
        masterKey,
        masterKeyFromEnv: !keyFile && Boolean(fromEnv),
        force: switches.has("--force"),
        ...(databaseUrl ? { databaseUrl } : {}),
      });
      await recordRestore(result, { dataDir: dir, archive, ...(databaseUrl ? { databaseUrl } : {}) });
      const m = result.manifest;
      session.out(
        session.json
          ? json({ dataDir: dir, previous: result.previous, manifest: m })
          : [
              `Restored ${archive} into ${dir}: backup of ${m.createdAt} by ${m.createdBy} on ${m.node}, database at ${m.database.migrations.lastTag}, ${m.files.length} files.`,
              ...(result.previous ? [`The previous data folder is kept at ${result.previous}.`] : []),
              "Start the console: it applies newer migrations (after a snapshot) and restarts the service engines.",
            ].join("\n"),
      );
    }),
};
