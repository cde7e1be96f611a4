import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir, env } from "@/server/config/env";

const KEY_FILE = "master.key";

/**
 * The key that encrypts secret columns. It is never in the database: it comes from
 * HSM_CONSOLE_MASTER_KEY (base64 of 32 bytes; required when several nodes share PostgreSQL)
 * or from <data>/master.key (0600), created on first use.
 */
export function loadMasterKey(): Buffer {
  const fromEnv = env().HSM_CONSOLE_MASTER_KEY;
  if (fromEnv) return decode(fromEnv, "HSM_CONSOLE_MASTER_KEY");
  const file = path.join(dataDir(), KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dataDir(), { recursive: true, mode: 0o700 });
    try {
      // "wx": two processes starting at once must not both write a key.
      fs.writeFileSync(file, `${crypto.randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  return decode(fs.readFileSync(file, "utf8").trim(), file);
}

/** Where this node's key comes from, for messages that tell an admin which key to copy. */
export function masterKeySource(): string {
  return env().HSM_CONSOLE_MASTER_KEY ? "HSM_CONSOLE_MASTER_KEY" : path.join(dataDir(), KEY_FILE);
}

function decode(value: string, source: string): Buffer {
  const key = Buffer.from(value, "base64");
  if (key.length !== 32) throw new Error(`${source} must be the base64 encoding of 32 random bytes`);
  return key;
}
