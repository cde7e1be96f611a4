/** Naming, ids and software keys for SSL/TLS certificates (no database, no HSM here). */
import crypto from "node:crypto";
import type { KeyChoice } from "@/lib/schemas/certificate";
import { encryptSecret } from "@/server/crypto/secrets";
import type { KeySigner, KeySpec, SignInput } from "@/server/pkcs11";

/** Every HSM object this console makes carries this label prefix (the reconciler relies on it). */
export const LABEL_PREFIX = "hsm-console:";

export function keyLabelFor(certificateName: string): string {
  return `${LABEL_PREFIX}${certificateName}`;
}

/**
 * UUIDv7: the first 48 bits are the creation time in ms. The key's CKA_ID is the row id in hex, so
 * the reconciler can tell an orphan's age from the token alone (PKCS#11 objects have no timestamp).
 */
export function newCertificateId(now = Date.now()): string {
  const bytes = crypto.randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x70;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = bytes.toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function keyIdHexFor(certificateId: string): string {
  return certificateId.replaceAll("-", "").toLowerCase();
}

export function certificateIdFor(idHex: string): string | null {
  if (!/^[0-9a-f]{32}$/.test(idHex)) return null;
  return `${idHex.slice(0, 8)}-${idHex.slice(8, 12)}-${idHex.slice(12, 16)}-${idHex.slice(16, 20)}-${idHex.slice(20)}`;
}

/** Creation time of a console-made key from its CKA_ID (UUIDv7), or null for other ids. */
export function keyCreatedAt(idHex: string): Date | null {
  if (!/^[0-9a-f]{32}$/.test(idHex) || idHex[12] !== "7") return null;
  return new Date(Number.parseInt(idHex.slice(0, 12), 16));
}

export function keySpecOf(choice: KeyChoice): KeySpec {
  switch (choice) {
    case "EC-P-256":
      return { type: "EC", curve: "P-256" };
    case "EC-P-384":
      return { type: "EC", curve: "P-384" };
    case "RSA-2048":
      return { type: "RSA", bits: 2048 };
    case "RSA-3072":
      return { type: "RSA", bits: 3072 };
    case "RSA-4096":
      return { type: "RSA", bits: 4096 };
  }
}

export function choiceOf(spec: KeySpec): KeyChoice | null {
  const choice = spec.type === "EC" ? `EC-${spec.curve}` : `RSA-${spec.bits}`;
  return ["EC-P-256", "EC-P-384", "RSA-2048", "RSA-3072", "RSA-4096"].includes(choice)
    ? (choice as KeyChoice)
    : null;
}

export function keyColumns(spec: KeySpec): {
  keyAlgorithm: "RSA" | "EC";
  keyBits: number;
  keyCurve: string | null;
} {
  if (spec.type === "RSA") return { keyAlgorithm: "RSA", keyBits: spec.bits, keyCurve: null };
  return { keyAlgorithm: "EC", keyBits: spec.curve === "P-384" ? 384 : 256, keyCurve: spec.curve };
}

/** A key kept outside an HSM (encrypted in the database), generated off the event loop. */
export async function generateSoftwareKey(spec: KeySpec): Promise<string> {
  const { privateKey } = await new Promise<crypto.KeyPairKeyObjectResult>((resolve, reject) => {
    const cb = (error: Error | null, publicKey: crypto.KeyObject, privateKey: crypto.KeyObject) =>
      error ? reject(error) : resolve({ publicKey, privateKey });
    if (spec.type === "RSA") crypto.generateKeyPair("rsa", { modulusLength: spec.bits }, cb);
    else
      crypto.generateKeyPair("ec", { namedCurve: spec.curve === "P-384" ? "secp384r1" : "prime256v1" }, cb);
  });
  return privateKey.export({ type: "pkcs8", format: "pem" }).toString();
}

/** The same signing interface as an HSM key, for keys kept in the database. */
export function softwareSigner(pkcs8Pem: string): KeySigner {
  const key = crypto.createPrivateKey(pkcs8Pem);
  return {
    async getPublicKey() {
      return crypto.createPublicKey(key).export({ type: "spki", format: "der" });
    },
    async sign(input: SignInput) {
      const hash = input.hash.replace("-", "").toLowerCase();
      if (input.algorithm === "RSA-PSS")
        return crypto.sign(hash, Buffer.from(input.data), {
          key,
          padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
        });
      return crypto.sign(hash, Buffer.from(input.data), key);
    },
  };
}

/** RFC 4514 subject from the form's fields (values escaped). */
export function subjectString(fields: {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
  email?: string;
}): string {
  const values = fields as Record<string, string | undefined>;
  const order: Array<[string, string]> = [
    ["C", "country"],
    ["ST", "state"],
    ["L", "locality"],
    ["O", "organization"],
    ["OU", "organizationalUnit"],
    ["CN", "commonName"],
    ["E", "email"],
  ];
  return order
    .filter(([, f]) => values[f])
    .map(([attr, f]) => `${attr}=${escapeRdn(values[f] ?? "")}`)
    .join(", ");
}

function escapeRdn(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, "\\$1")
    .replace(/^([ #])/, "\\$1")
    .replace(/ $/, "\\ ");
}

/** A software key sealed for the database (AES-256-GCM, context "ssl_certificates.key"). */
export function sealKey(pkcs8Pem: string): string {
  return encryptSecret(pkcs8Pem, "ssl_certificates.key");
}

/** A DER SubjectPublicKeyInfo as PEM (what the row keeps to match a signed certificate later). */
export function spkiPem(spki: Buffer): string {
  return crypto
    .createPublicKey({ key: spki, format: "der", type: "spki" })
    .export({ type: "spki", format: "pem" })
    .toString();
}
