import { createDecipheriv } from "node:crypto";
import { children, readInteger, readOid, readTlv } from "./der";
import { MAX_ITERATIONS, pbkdf2Async, pkcs12KdfAsync } from "./kdf";
import { bmpPassword } from "./pkcs12-kdf";
import { rc2CbcDecrypt } from "./rc2";

/** Why decryption failed: the caller turns this into a sentence on the right field. */
export class PbeError extends Error {
  constructor(
    readonly reason: "bad-password" | "unsupported" | "too-many-iterations",
    detail: string,
  ) {
    super(detail);
  }
}

const PBES2 = "1.2.840.113549.1.5.13";
const PBKDF2 = "1.2.840.113549.1.5.12";
const PRF_HASH: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1",
  "1.2.840.113549.2.8": "sha224",
  "1.2.840.113549.2.9": "sha256",
  "1.2.840.113549.2.10": "sha384",
  "1.2.840.113549.2.11": "sha512",
};
const PBES2_CIPHERS: Record<string, { name: string; keyLength: number }> = {
  "2.16.840.1.101.3.4.1.2": { name: "aes-128-cbc", keyLength: 16 },
  "2.16.840.1.101.3.4.1.22": { name: "aes-192-cbc", keyLength: 24 },
  "2.16.840.1.101.3.4.1.42": { name: "aes-256-cbc", keyLength: 32 },
  "1.2.840.113549.3.7": { name: "des-ede3-cbc", keyLength: 24 },
};
/** PKCS#12 PBE (RFC 7292 Appendix C): what `openssl pkcs12 -legacy` and older tools write. */
const PKCS12_PBE: Record<string, { cipher: "des-ede3-cbc" | "rc2"; keyLength: number; bits?: number }> = {
  "1.2.840.113549.1.12.1.3": { cipher: "des-ede3-cbc", keyLength: 24 },
  "1.2.840.113549.1.12.1.5": { cipher: "rc2", keyLength: 16, bits: 128 },
  "1.2.840.113549.1.12.1.6": { cipher: "rc2", keyLength: 5, bits: 40 },
};

/**
 * Decrypts `data` with the AlgorithmIdentifier (DER) found in a PKCS#12 file or an encrypted
 * PKCS#8 key. Parameters are checked (iterations capped) before any derivation, which runs off
 * the event loop.
 */
export async function pbeDecrypt(algorithmDer: Buffer, data: Buffer, password: string): Promise<Buffer> {
  const [oidTlv, params] = children(readTlv(algorithmDer).value);
  if (!oidTlv || !params) throw new PbeError("unsupported", "missing algorithm parameters");
  const oid = readOid(oidTlv);
  if (oid === PBES2) return pbes2(params.value, data, password);
  const legacy = PKCS12_PBE[oid];
  if (!legacy) throw new PbeError("unsupported", `encryption algorithm ${oid}`);
  const [salt, iterations] = children(params.value);
  if (!salt || !iterations) throw new PbeError("unsupported", "bad PBE parameters");
  const pass = bmpPassword(password);
  const count = checkedIterations(readInteger(iterations));
  const [key, iv] = await Promise.all([
    pkcs12KdfAsync("sha1", pass, salt.value, count, 1, legacy.keyLength),
    pkcs12KdfAsync("sha1", pass, salt.value, count, 2, 8),
  ]);
  try {
    if (legacy.cipher === "rc2") return rc2CbcDecrypt(key, legacy.bits ?? 40, iv, data);
    return decipher(legacy.cipher, key, iv, data);
  } catch {
    throw new PbeError("bad-password", "decryption failed");
  }
}

async function pbes2(params: Buffer, data: Buffer, password: string): Promise<Buffer> {
  const [kdf, scheme] = children(params);
  if (!kdf || !scheme) throw new PbeError("unsupported", "bad PBES2 parameters");
  const [kdfOid, kdfParams] = children(kdf.value);
  if (!kdfOid || readOid(kdfOid) !== PBKDF2 || !kdfParams)
    throw new PbeError("unsupported", "PBES2 without PBKDF2");
  const fields = children(kdfParams.value);
  const salt = fields[0];
  const iterations = fields[1];
  if (salt?.tag !== 0x04 || !iterations) throw new PbeError("unsupported", "bad PBKDF2 parameters");
  let keyLength: number | undefined;
  let prf = "sha1"; // the PBKDF2 default when the PRF is absent
  for (const field of fields.slice(2)) {
    if (field.tag === 0x02) keyLength = readInteger(field);
    else if (field.tag === 0x30) {
      const [prfOid] = children(field.value);
      const hash = prfOid ? PRF_HASH[readOid(prfOid)] : undefined;
      if (!hash) throw new PbeError("unsupported", "PBKDF2 PRF");
      prf = hash;
    }
  }
  const [cipherOid, ivTlv] = children(scheme.value);
  const cipher = cipherOid ? PBES2_CIPHERS[readOid(cipherOid)] : undefined;
  if (!cipher || !ivTlv || ivTlv.tag !== 0x04) throw new PbeError("unsupported", "PBES2 cipher");
  // OpenSSL feeds the password to PBKDF2 as its UTF-8 bytes (not BMPString) for PBES2 in PKCS#12.
  if (keyLength !== undefined && keyLength !== cipher.keyLength)
    throw new PbeError("unsupported", "PBKDF2 key length differs from the cipher's");
  const key = await pbkdf2Async(
    Buffer.from(password, "utf8"),
    salt.value,
    checkedIterations(readInteger(iterations)),
    cipher.keyLength,
    prf,
  );
  try {
    return decipher(cipher.name, key, ivTlv.value, data);
  } catch {
    throw new PbeError("bad-password", "decryption failed");
  }
}

function checkedIterations(count: number): number {
  if (count > MAX_ITERATIONS) throw new PbeError("too-many-iterations", String(count));
  if (count < 1) throw new PbeError("unsupported", `iteration count ${count}`);
  return count;
}

/** The sentence for a refused iteration count, on the file's field. */
export function tooManyIterations(what: string, count: string): string {
  return `This ${what} asks for ${count} key derivation iterations, more than the ${MAX_ITERATIONS.toLocaleString("en")} this console accepts; export it again with fewer (OpenSSL uses 2,048).`;
}

function decipher(name: string, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const d = createDecipheriv(name, key, iv);
  return Buffer.concat([d.update(data), d.final()]);
}
