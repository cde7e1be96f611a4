/**
 * backup_vs_tar_ratio: time of a backup (PGlite dump after a checkpoint, token files, checksums,
 * tar.gz) over a plain `tar -czf` of the same data folder, measured in the same run.
 * restore_vs_untar_ratio: time of a restore (checks, checksums, PGlite load, swap) over a plain
 * `tar -xzf` of that folder. backup_mib: the archive's size. Data: 5,000 audit rows and 500 token
 * object files of 4 KiB on an on-disk PGlite.
 * Run: node --import tsx server/services/backup/bench/backup.bench.ts
 */
import { execFileSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { report } from "@/server/bench/measure";
import { openDb } from "@/server/db/client";
import { auditLog } from "@/server/db/schema";
import { createBackup } from "../create-backup";
import { restoreBackup } from "../restore-backup";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-backup-bench-"));
const data = path.join(work, "data");
const key = crypto.randomBytes(32);

async function timed(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

async function main(): Promise<void> {
  const handle = await openDb({ pgliteDir: path.join(data, "pgdata") });
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    actorName: "bench",
    action: "bench.write",
    outcome: "success" as const,
    detail: { i, note: "x".repeat(200) },
  }));
  for (let i = 0; i < rows.length; i += 500) await handle.db.insert(auditLog).values(rows.slice(i, i + 500));
  const tokens = path.join(data, "softhsm", "tokens", "bench");
  fs.mkdirSync(tokens, { recursive: true });
  for (let i = 0; i < 500; i++) fs.writeFileSync(path.join(tokens, `${i}.object`), crypto.randomBytes(4096));

  const archive = path.join(work, "backup.tar.gz");
  const input = {
    handle,
    dataDir: data,
    masterKey: key,
    createdBy: "bench",
    out: archive,
    consoleVersion: "bench",
  };
  const backupMs = await timed(() => createBackup(input));
  const reference = path.join(work, "reference.tar.gz");
  const tarMs = await timed(() => execFileSync("tar", ["-czf", reference, "-C", work, "data"]));
  await handle.close();

  const restoreMs = await timed(() =>
    restoreBackup({
      archive,
      dataDir: path.join(work, "restored"),
      masterKey: key,
      masterKeyFromEnv: false,
      force: false,
    }),
  );
  fs.mkdirSync(path.join(work, "untar"));
  const untarMs = await timed(() => execFileSync("tar", ["-xzf", reference, "-C", path.join(work, "untar")]));

  report("backup_vs_tar_ratio", backupMs / tarMs);
  report("restore_vs_untar_ratio", restoreMs / untarMs);
  report("backup_mib", fs.statSync(archive).size / (1024 * 1024));
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => fs.rmSync(work, { recursive: true, force: true }));
