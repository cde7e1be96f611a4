import crypto from "node:crypto";
import { loadMasterKey } from "./master-key";

const VERSION = "v1";

let key: Buffer | undefined;
function masterKey(): Buffer {
  key ??= loadMasterKey();
  return key;
}

/**
 * AES-256-GCM with a fresh IV. `context` (e.g. "hsm_servers.partition_password") is bound as
 * additional data, so a ciphertext copied into another column does not decrypt.
 */
export function encryptSecret(plaintext: string, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", masterKey(), iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64"), tag.toString("base64"), body.toString("base64")].join(":");
}

export function decryptSecret(sealed: string, context: string): string {
  const [version, iv, tag, body] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || body === undefined) throw new Error("Unknown secret format");
  const decipher = crypto.createDecipheriv("aes-256-gcm", masterKey(), Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}

export function resetMasterKeyForTests(): void {
  key = undefined;
}
