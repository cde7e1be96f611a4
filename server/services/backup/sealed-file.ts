import crypto from "node:crypto";

const FORMAT = "sealed-v1";

/**
 * AES-256-GCM with an explicit key: restore opens the console's TLS key with the master key it was
 * given (a file, before any data folder exists), not the one the running process would load.
 * The archive path is bound as additional data.
 */
export function seal(key: Buffer, plaintext: string, context: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(context));
  const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [FORMAT, iv, cipher.getAuthTag(), body]
    .map((p) => (typeof p === "string" ? p : p.toString("base64")))
    .join(":");
}

export function unseal(key: Buffer, sealed: string, context: string): string {
  const [format, iv, tag, body] = sealed.trim().split(":");
  if (format !== FORMAT || !iv || !tag || body === undefined)
    throw new Error(`${context} is not sealed by a backup`);
  const decipher = crypto.createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64")), decipher.final()]).toString("utf8");
}
