import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import { AppError } from "@/lib/errors";
import { children, readTlv } from "./der";
import { describeKey } from "./key-info";
import { PbeError, pbeDecrypt, tooManyIterations } from "./pbe";
import { readPemBlocks } from "./pem";

/** A private key normalised for the PKCS#11 layer, which imports `pkcs8Der` into the HSM. */
export interface ParsedPrivateKey {
  pkcs8Der: Buffer;
  algorithm: "RSA" | "EC";
  bits?: number;
  curve?: "P-256" | "P-384" | "P-521";
  publicKeySpkiDer: Buffer;
}

export interface ParsePrivateKeyInput {
  text?: string;
  der?: Buffer;
  passphrase?: string;
  /** Field that held the key, for error placement; the passphrase field is always `keyPassphrase`. */
  field?: string;
}

/** Smallest RSA key accepted at all (Avi accepts 1024..4096); below 2048 validateImport warns. */
export const MIN_RSA_BITS = 1024;
export const MAX_RSA_BITS = 4096;
const PASSPHRASE_FIELD = "keyPassphrase";
const KEY_LABELS = new Set(["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "ENCRYPTED PRIVATE KEY"]);

/**
 * PEM PKCS#1 / PKCS#8 / SEC1, encrypted PKCS#8, legacy encrypted PEM (Proc-Type), or DER.
 * Node's crypto (OpenSSL) does the decoding; encrypted PKCS#8 is decrypted here first (pbe.ts),
 * so that its key derivation runs off the event loop with capped iterations (OpenSSL would run
 * whatever count the file asks for, synchronously). Legacy PEM costs one MD5: OpenSSL does it.
 * Never logs or echoes key bytes: errors carry no input text and no cause.
 */
export async function parsePrivateKey(input: ParsePrivateKeyInput): Promise<ParsedPrivateKey> {
  const field = input.field ?? "key";
  if (input.der) {
    if (!looksEncrypted(input.der)) return parsePrivateKeyDer(input.der, field);
    return decryptPkcs8(input.der, input.passphrase, field);
  }
  const block = onePemBlock(input.text ?? "", field);
  if (block.label === "ENCRYPTED PRIVATE KEY") return decryptPkcs8(block.der, input.passphrase, field);
  const encrypted = /ENCRYPTED/.test(block.headers["Proc-Type"] ?? "");
  if (encrypted && !input.passphrase) throw missingPassphrase();
  // Re-armour only the chosen block so surrounding text (a certificate, comments) cannot confuse OpenSSL.
  const pem = armour(block.label, block.headers, block.der);
  let key: KeyObject;
  try {
    key = createPrivateKey(
      encrypted ? { key: pem, format: "pem", passphrase: input.passphrase } : { key: pem, format: "pem" },
    );
  } catch {
    throw encrypted ? wrongPassphrase() : unreadable(field);
  }
  return normalise(key, field);
}

/** An unencrypted key in DER (PKCS#8, PKCS#1 or SEC1). */
export function parsePrivateKeyDer(der: Buffer, field: string): ParsedPrivateKey {
  for (const type of ["pkcs8", "pkcs1", "sec1"] as const) {
    let key: KeyObject;
    try {
      key = createPrivateKey({ key: der, format: "der", type });
    } catch {
      continue; // try the next encoding
    }
    return normalise(key, field);
  }
  throw unreadable(field);
}

function onePemBlock(text: string, field: string) {
  const blocks = readPemBlocks(text, field).filter((block) => KEY_LABELS.has(block.label));
  if (blocks.length === 0) {
    throw new AppError(
      "VALIDATION",
      "No private key found: expected a -----BEGIN ... PRIVATE KEY----- block.",
      {
        field,
      },
    );
  }
  if (blocks.length > 1) {
    throw new AppError(
      "VALIDATION",
      "This text holds more than one private key; paste only the one to import.",
      {
        field,
      },
    );
  }
  return blocks[0]!;
}

/** EncryptedPrivateKeyInfo: decrypted with the passphrase, then read as plain PKCS#8. */
async function decryptPkcs8(
  der: Buffer,
  passphrase: string | undefined,
  field: string,
): Promise<ParsedPrivateKey> {
  if (!passphrase) throw missingPassphrase();
  let plain: Buffer;
  try {
    const [algorithm, data] = children(readTlv(der).value);
    if (!algorithm || data?.tag !== 0x04) throw new PbeError("unsupported", "not EncryptedPrivateKeyInfo");
    plain = await pbeDecrypt(algorithm.raw, data.value, passphrase);
  } catch (error) {
    if (!(error instanceof PbeError)) throw unreadable(field);
    if (error.reason === "bad-password") throw wrongPassphrase();
    if (error.reason === "too-many-iterations")
      throw new AppError("VALIDATION", tooManyIterations("private key", error.message), { field });
    throw new AppError(
      "VALIDATION",
      "This private key is encrypted with an algorithm this console does not support; re-encrypt it with `openssl pkcs8 -topk8 -v2 aes-256-cbc`.",
      { field },
    );
  }
  try {
    return parsePrivateKeyDer(plain, field);
  } catch (error) {
    // CBC padding looks valid for about 1 wrong passphrase in 256: the plaintext is then noise.
    if (error instanceof AppError && error.field === field && /cannot be read/.test(error.message))
      throw wrongPassphrase();
    throw error;
  }
}

/** EncryptedPrivateKeyInfo ::= SEQUENCE { AlgorithmIdentifier (SEQUENCE { OID, ... }), OCTET STRING }. */
function looksEncrypted(der: Buffer): boolean {
  try {
    const outer = readTlv(der);
    const [algorithm, data] = children(outer.value);
    const [oid] = algorithm?.tag === 0x30 ? children(algorithm.value) : [];
    return outer.tag === 0x30 && oid?.tag === 0x06 && data?.tag === 0x04 && outer.raw.length === der.length;
  } catch {
    return false;
  }
}

function normalise(key: KeyObject, field: string): ParsedPrivateKey {
  const info = describeKey(key);
  const publicKeySpkiDer = createPublicKey(key).export({ type: "spki", format: "der" });
  const pkcs8Der = key.export({ type: "pkcs8", format: "der" });
  if (info.algorithm === "RSA") {
    const bits = info.bits ?? 0;
    if (bits < MIN_RSA_BITS || bits > MAX_RSA_BITS) {
      throw new AppError(
        "VALIDATION",
        `This RSA key has ${bits} bits; keys from ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits can be imported (2048 or more recommended).`,
        { field, details: { bits } },
      );
    }
    return { pkcs8Der, algorithm: "RSA", bits, publicKeySpkiDer };
  }
  if (
    info.algorithm === "EC" &&
    (info.curve === "P-256" || info.curve === "P-384" || info.curve === "P-521")
  ) {
    return { pkcs8Der, algorithm: "EC", bits: info.bits, curve: info.curve, publicKeySpkiDer };
  }
  const what = info.algorithm === "EC" ? `an EC key on curve ${info.curve}` : `a ${info.algorithm} key`;
  throw new AppError(
    "VALIDATION",
    `This is ${what}. Only RSA and EC keys on P-256, P-384 or P-521 can be used for TLS here.`,
    { field, details: { algorithm: info.algorithm, ...(info.curve ? { curve: info.curve } : {}) } },
  );
}

function armour(label: string, headers: Record<string, string>, der: Buffer): string {
  const head = Object.entries(headers).map(([name, value]) => `${name}: ${value}\n`);
  const body = der.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${head.join("")}${head.length ? "\n" : ""}${body}-----END ${label}-----\n`;
}

function missingPassphrase(): AppError {
  return new AppError("VALIDATION", "This private key is encrypted: enter its passphrase.", {
    field: PASSPHRASE_FIELD,
  });
}

function wrongPassphrase(): AppError {
  return new AppError(
    "VALIDATION",
    "The passphrase does not decrypt this private key. Check it and try again.",
    { field: PASSPHRASE_FIELD },
  );
}

function unreadable(field: string): AppError {
  return new AppError(
    "VALIDATION",
    "This private key cannot be read: it is damaged or not a PKCS#1, PKCS#8 or SEC1 key.",
    { field },
  );
}
