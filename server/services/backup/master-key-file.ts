import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { AppError } from "@/lib/errors";

const LABEL = "hsm-console master key fingerprint\0";

/** Names a master key without revealing it (a hash of a label and the key, as SHA256:hex). */
export function masterKeyFingerprint(key: Buffer): string {
  const digest = crypto.createHash("sha256").update(LABEL).update(key).digest("hex");
  return `SHA256:${digest}`;
}

/** Writes the key as <data>/master.key holds it (base64 line), 0600, never over an existing file. */
export function writeMasterKeyFile(file: string, key: Buffer): void {
  try {
    fs.writeFileSync(file, `${key.toString("base64")}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST")
      throw new AppError("CONFLICT", `${file} exists: choose a new file for the master key.`, {
        field: "masterKeyFile",
      });
    throw error;
  }
}

/** Reads a master key file (base64 of 32 bytes), naming the file when it is not one. */
export function readMasterKeyFile(file: string): Buffer {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    throw new AppError("VALIDATION", `Cannot read the master key file ${file}.`, { field: "masterKeyFile" });
  }
  const key = Buffer.from(text, "base64");
  if (key.length !== 32)
    throw new AppError("VALIDATION", `${file} is not a master key (base64 of 32 bytes).`, {
      field: "masterKeyFile",
    });
  return key;
}

/**
 * The master key configured on this host, never created: HSM_CONSOLE_MASTER_KEY, else
 * <data>/master.key. Null when neither exists (a host that is not the console's).
 */
export function configuredMasterKey(dataDir: string, fromEnv: string | undefined): Buffer | null {
  if (fromEnv) {
    const key = Buffer.from(fromEnv, "base64");
    if (key.length !== 32)
      throw new AppError(
        "VALIDATION",
        "HSM_CONSOLE_MASTER_KEY must be the base64 encoding of 32 random bytes.",
      );
    return key;
  }
  const file = path.join(dataDir, "master.key");
  return fs.existsSync(file) ? readMasterKeyFile(file) : null;
}
