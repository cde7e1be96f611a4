import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { resetEnvForTests } from "@/server/config/env";
import { resetMasterKeyForTests } from "@/server/crypto/secrets";

/** A private data folder for one test file (master key, setup token, tokens). */
export function useTempDataDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-console-test-"));
  process.env.HSM_CONSOLE_DATA = dir;
  delete process.env.HSM_CONSOLE_MASTER_KEY;
  resetEnvForTests();
  resetMasterKeyForTests();
  return dir;
}
