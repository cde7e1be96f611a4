import { createHmac, timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";
import { children, octetsOf, readInteger, readOid, readTlv } from "./der";
import { MAX_ITERATIONS, pkcs12KdfAsync } from "./kdf";
import { tooManyIterations } from "./pbe";
import { bmpPassword } from "./pkcs12-kdf";

/** The PKCS#12 envelope: its outer structure and its password MAC (RFC 7292 section 4). */
export const ID_DATA = "1.2.840.113549.1.7.1";
const PASSWORD_FIELD = "pkcs12Password";
const MAC_HASH: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

export interface Pfx {
  authSafe: Buffer;
  mac?: { algorithm: string; expected: Buffer; salt: Buffer; iterations: number };
}

/**
 * PFX ::= SEQUENCE { version, authSafe ContentInfo, macData SEQUENCE { DigestInfo, salt, iterations
 * DEFAULT 1 } OPTIONAL }, read with the small DER reader: the asn1 package takes most of a second
 * on a 1 MiB file, on the event loop.
 */
export function readPfx(der: Buffer): Pfx {
  const outer = readTlv(der);
  const [, authSafeInfo, macData] = children(outer.value);
  const [typeTlv, content] = authSafeInfo ? children(authSafeInfo.value) : [];
  if (outer.raw.length !== der.length || !typeTlv || !content) throw new Error("not a PFX");
  if (readOid(typeTlv) !== ID_DATA) throw new Error("public-key integrity mode");
  const authSafe = octetsOf(readTlv(content.value)); // [0] EXPLICIT OCTET STRING
  if (!macData) return { authSafe };
  const [digestInfo, salt, iterations] = children(macData.value);
  const [algorithm, digest] = digestInfo ? children(digestInfo.value) : [];
  const [oid] = algorithm ? children(algorithm.value) : [];
  if (!oid || !digest || !salt) throw new Error("bad MacData");
  return {
    authSafe,
    mac: {
      algorithm: readOid(oid),
      expected: digest.value,
      salt: salt.value,
      iterations: iterations ? readInteger(iterations) : 1,
    },
  };
}

export async function checkMac(
  mac: NonNullable<Pfx["mac"]>,
  authSafe: Buffer,
  password: string,
  field: string,
) {
  const hash = MAC_HASH[mac.algorithm];
  if (!hash) {
    throw new AppError(
      "VALIDATION",
      "This PKCS#12 file uses an integrity algorithm this console does not support (re-export it with `openssl pkcs12 -export`).",
      { field },
    );
  }
  const { expected, salt, iterations } = mac;
  if (iterations > MAX_ITERATIONS)
    throw new AppError("VALIDATION", tooManyIterations("PKCS#12 file", String(iterations)), { field });
  // OpenSSL treats an empty password as either "" (two NUL bytes) or absent (no bytes): try both.
  const candidates = password === "" ? [bmpPassword(""), Buffer.alloc(0)] : [bmpPassword(password)];
  for (const pass of candidates) {
    const key = await pkcs12KdfAsync(hash, pass, salt, iterations, 3, expected.length);
    const actual = createHmac(hash, key).update(authSafe).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return;
  }
  throw wrongPassword();
}

export function wrongPassword(): AppError {
  return new AppError("VALIDATION", "The password does not open this PKCS#12 file. Check it and try again.", {
    field: PASSWORD_FIELD,
  });
}
