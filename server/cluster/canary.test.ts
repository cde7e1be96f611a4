import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { masterKeySource } from "@/server/crypto/master-key";
import { resetMasterKeyForTests } from "@/server/crypto/secrets";
import type { DbHandle } from "@/server/db/client";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { checkMasterKeyCanary, MasterKeyMismatch } from "./canary";

describe("the master-key canary", () => {
  let handle: DbHandle;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
  });
  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("is written by the first node and accepted by a node with the same key", async () => {
    expect(await checkMasterKeyCanary(handle.db, "node-a", masterKeySource())).toBe("created");
    expect(await checkMasterKeyCanary(handle.db, "node-b", masterKeySource())).toBe("ok");
  });

  it("refuses a node with another key, naming the key to copy and where", async () => {
    process.env.HSM_CONSOLE_MASTER_KEY = crypto.randomBytes(32).toString("base64");
    resetEnvForTests();
    resetMasterKeyForTests();
    try {
      const refusal = checkMasterKeyCanary(handle.db, "node-c", masterKeySource());
      await expect(refusal).rejects.toBeInstanceOf(MasterKeyMismatch);
      await expect(refusal).rejects.toThrow(
        `copy the master key of node "node-a" (its HSM_CONSOLE_MASTER_KEY, or the file master.key in its data folder) to HSM_CONSOLE_MASTER_KEY on this node`,
      );
    } finally {
      delete process.env.HSM_CONSOLE_MASTER_KEY;
      resetEnvForTests();
      resetMasterKeyForTests();
    }
    // The file key of the data folder is named when no variable is set.
    expect(masterKeySource()).toBe(path.join(dataDir, "master.key"));
  });
});
