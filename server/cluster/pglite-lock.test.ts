import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openDb } from "@/server/db/client";
import { lockPgliteFolder } from "./pglite-lock";

describe("PGlite stays single-node: its data folder is locked", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cluster-lock-"));
  const pgdata = path.join(dir, "pgdata");
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("a second opening of the same folder stops with a sentence; after close it opens again", {
    timeout: 300_000,
  }, async () => {
    const first = await openDb({ pgliteDir: pgdata });
    try {
      await expect(openDb({ pgliteDir: pgdata })).rejects.toThrow(
        /The embedded database in .*pgdata is in use by another console process \(pid \d+, since .*\)\. PGlite serves one process only/,
      );
    } finally {
      await first.close();
    }
    const again = await openDb({ pgliteDir: pgdata });
    await again.close();
    expect(fs.existsSync(`${pgdata}.lock`)).toBe(false);
  });

  it("a lock left by a process that died is stale and taken over", () => {
    const folder = path.join(dir, "stale");
    // A real process takes the lock and is killed without releasing it.
    const child = spawnSync(process.execPath, [
      "-e",
      `require("fs").writeFileSync(${JSON.stringify(`${folder}.lock`)}, JSON.stringify({ pid: process.pid, started: null, since: "then" })); process.kill(process.pid, "SIGKILL")`,
    ]);
    expect(child.signal).toBe("SIGKILL");
    const lock = lockPgliteFolder(folder);
    expect(JSON.parse(fs.readFileSync(`${folder}.lock`, "utf8")).pid).toBe(process.pid);
    lock.release();
  });

  it("a lock whose pid now belongs to another process (reused pid) is stale", () => {
    const folder = path.join(dir, "reused");
    fs.writeFileSync(`${folder}.lock`, JSON.stringify({ pid: process.pid, started: "1", since: "then" }));
    const lock = lockPgliteFolder(folder);
    lock.release();
    expect(fs.existsSync(`${folder}.lock`)).toBe(false);
  });
});
