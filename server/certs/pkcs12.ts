import { createHmac, timingSafeEqual } from "node:crypto";
import { CertBag, id_x509Certificate, PFX, SafeContents } from "@peculiar/asn1-pfx";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { AppError } from "@/lib/errors";
import {
  type CertificateSummary,
  certificateSpkiDer,
  type DecodedCertificate,
  decodeCertificateDer,
  isIssuedBy,
  summarizeCertificate,
} from "./certificate";
import { children, readOid, readTlv } from "./der";
import { MAX_ITERATIONS, PbeError, pbeDecrypt } from "./pbe";
import { bmpPassword, pkcs12Kdf } from "./pkcs12-kdf";
import { type ParsedPrivateKey, parsePrivateKey } from "./private-key";

export interface ParsedPkcs12 {
  key: ParsedPrivateKey;
  certificate: CertificateSummary;
  /** The other certificates, ordered from the issuer of `certificate` upwards where they link. */
  chain: CertificateSummary[];
  /** PEM of the certificate and of the chain, ready for validateImport. */
  certificatePem: string;
  chainPem: string;
}

export interface ParsePkcs12Input {
  der: Buffer;
  password: string;
  /** Field of the file input (errors about the file); password errors go to `pkcs12Password`. */
  field?: string;
  now?: Date;
}

const PASSWORD_FIELD = "pkcs12Password";
/** A key with a long chain is a few KiB; anything this large is not a certificate export. */
const MAX_PKCS12_BYTES = 1024 * 1024;
const ID_DATA = "1.2.840.113549.1.7.1";
const ID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
  safeContents: "1.2.840.113549.1.12.10.1.6",
};
const MAC_HASH: Record<string, string> = {
  "1.3.14.3.2.26": "sha1",
  "2.16.840.1.101.3.4.2.4": "sha224",
  "2.16.840.1.101.3.4.2.1": "sha256",
  "2.16.840.1.101.3.4.2.2": "sha384",
  "2.16.840.1.101.3.4.2.3": "sha512",
};

/**
 * A .p12/.pfx file in pure JS: MAC checked, PBES2 (AES, PBKDF2) and legacy PKCS#12 PBE
 * (3DES, RC2) decrypted, one private key and its certificate found by public key.
 * Nothing is written anywhere; errors never carry file bytes or the password.
 */
export function parsePkcs12(input: ParsePkcs12Input): ParsedPkcs12 {
  const field = input.field ?? "pkcs12";
  const now = input.now ?? new Date();
  const invalid = (why: string) => new AppError("VALIDATION", why, { field });
  if (input.der.length > MAX_PKCS12_BYTES) {
    throw new AppError(
      "PAYLOAD_TOO_LARGE",
      "This file is too large for a PKCS#12 key and certificate (over 1 MiB).",
      { field },
    );
  }

  let pfx: PFX;
  let authSafe: Buffer;
  try {
    pfx = AsnConvert.parse(input.der, PFX);
    if (pfx.authSafe.contentType !== ID_DATA) throw new Error("public-key integrity mode");
    authSafe = octets(pfx.authSafe.content);
  } catch {
    throw invalid("This is not a PKCS#12 (.p12 / .pfx) file, or it is damaged.");
  }
  // The parser fills in an empty MacData (no algorithm) when the file has none.
  const hasMac = Boolean(pfx.macData?.mac?.digestAlgorithm?.algorithm);
  if (hasMac) checkMac(pfx, authSafe, input.password, field);

  const keys: ParsedPrivateKey[] = [];
  const certs: DecodedCertificate[] = [];
  try {
    for (const info of children(readTlv(authSafe).value)) {
      const [typeTlv, contentTlv] = children(info.value);
      if (!typeTlv || !contentTlv) continue;
      const type = readOid(typeTlv);
      const inner = readTlv(contentTlv.value); // [0] EXPLICIT wrapper
      if (type === ID_DATA) readBags(octetsOf(inner), input.password, field, keys, certs);
      else if (type === ID_ENCRYPTED_DATA)
        readBags(
          decryptedSafeContents(decryptEncryptedData(inner, input.password)),
          input.password,
          field,
          keys,
          certs,
        );
    }
  } catch (error) {
    throw translate(error, invalid);
  }

  if (keys.length === 0)
    throw invalid("This PKCS#12 file holds no private key; export it again with the key included.");
  if (keys.length > 1)
    throw invalid("This PKCS#12 file holds more than one private key; export only the one to import.");
  const key = keys[0]!;
  const leaf = certs.find((cert) => certificateSpkiDer(cert).equals(key.publicKeySpkiDer));
  if (!leaf) throw invalid("This PKCS#12 file holds no certificate for its private key.");
  const chain = orderChain(
    leaf,
    certs.filter((cert) => cert !== leaf),
  );
  return {
    key,
    certificate: summarizeCertificate(leaf, now),
    chain: chain.map((cert) => summarizeCertificate(cert, now)),
    certificatePem: leaf.x509.toString(),
    chainPem: chain.map((cert) => cert.x509.toString()).join(""),
  };
}

function checkMac(pfx: PFX, authSafe: Buffer, password: string, field: string): void {
  const mac = pfx.macData;
  const hash = MAC_HASH[mac.mac.digestAlgorithm.algorithm];
  if (!hash) {
    throw new AppError(
      "VALIDATION",
      "This PKCS#12 file uses an integrity algorithm this console does not support (re-export it with `openssl pkcs12 -export`).",
      { field },
    );
  }
  const expected = Buffer.from(mac.mac.digest.buffer);
  const salt = Buffer.from(mac.macSalt.buffer);
  // OpenSSL treats an empty password as either "" (two NUL bytes) or absent (no bytes): try both.
  const candidates = password === "" ? [bmpPassword(""), Buffer.alloc(0)] : [bmpPassword(password)];
  for (const pass of candidates) {
    const key = pkcs12Kdf(hash, pass, salt, macIterations(mac.iterations, field), 3, expected.length);
    const actual = createHmac(hash, key).update(authSafe).digest();
    if (actual.length === expected.length && timingSafeEqual(actual, expected)) return;
  }
  throw wrongPassword();
}

function macIterations(count: number, field: string): number {
  if (count > MAX_ITERATIONS) {
    throw new AppError(
      "VALIDATION",
      `This PKCS#12 file asks for ${count} MAC iterations, more than the ${MAX_ITERATIONS} accepted.`,
      {
        field,
      },
    );
  }
  return count || 1;
}

function readBags(
  safeContents: Buffer,
  password: string,
  field: string,
  keys: ParsedPrivateKey[],
  certs: DecodedCertificate[],
): void {
  for (const bag of AsnConvert.parse(safeContents, SafeContents)) {
    const value = Buffer.from(bag.bagValue);
    if (bag.bagId === BAG.key) {
      keys.push(parsePrivateKey({ der: value, field }));
    } else if (bag.bagId === BAG.shroudedKey) {
      const [algorithm, encrypted] = children(readTlv(value).value);
      if (!algorithm || !encrypted) throw new Error("bad shrouded key bag");
      keys.push(decryptedKey(pbeDecrypt(algorithm.raw, encrypted.value, password), field));
    } else if (bag.bagId === BAG.cert) {
      const certBag = AsnConvert.parse(value, CertBag);
      if (certBag.certId === id_x509Certificate)
        certs.push(decodeCertificateDer(octets(certBag.certValue), field));
    } else if (bag.bagId === BAG.safeContents) {
      readBags(value, password, field, keys, certs);
    }
    // CRL and secret bags carry nothing we import.
  }
}

/**
 * CBC padding happens to look valid for about 1 wrong password in 256; then the plaintext is noise.
 * Without a MAC that is the only sign of a wrong password, so it is reported as one.
 */
function decryptedKey(pkcs8: Buffer, field: string): ParsedPrivateKey {
  try {
    return parsePrivateKey({ der: pkcs8, field });
  } catch (error) {
    if (error instanceof AppError && error.message.startsWith("This private key cannot be read")) {
      throw new PbeError("bad-password", "decrypted key is noise");
    }
    throw error;
  }
}

function decryptedSafeContents(data: Buffer): Buffer {
  try {
    AsnConvert.parse(data, SafeContents);
    return data;
  } catch {
    throw new PbeError("bad-password", "decrypted contents are noise");
  }
}

/** CMS EncryptedData: SEQUENCE { version, EncryptedContentInfo { type, algorithm, [0] IMPLICIT content } }. */
function decryptEncryptedData(encryptedData: { value: Buffer }, password: string): Buffer {
  const [, contentInfo] = children(encryptedData.value);
  if (!contentInfo) throw new Error("bad EncryptedData");
  const [, algorithm, content] = children(contentInfo.value);
  if (!algorithm || !content) throw new Error("bad EncryptedContentInfo");
  // Primitive [0] holds the bytes; constructed [0] (BER-style) holds OCTET STRING pieces.
  const data =
    content.tag === 0x80 ? content.value : Buffer.concat(children(content.value).map((piece) => piece.value));
  return pbeDecrypt(algorithm.raw, data, password);
}

/** Leaf first, then each issuer in turn; certificates that do not link follow in file order. */
function orderChain(leaf: DecodedCertificate, others: DecodedCertificate[]): DecodedCertificate[] {
  const ordered: DecodedCertificate[] = [];
  const rest = [...others];
  let current = leaf;
  for (;;) {
    const index = rest.findIndex((candidate) => candidate !== current && isIssuedBy(current, candidate));
    if (index === -1) break;
    const [next] = rest.splice(index, 1);
    if (!next) break;
    ordered.push(next);
    current = next;
  }
  return [...ordered, ...rest];
}

function octets(der: ArrayBuffer | Buffer): Buffer {
  return Buffer.from(AsnConvert.parse(der, OctetString).buffer);
}

function octetsOf(tlv: { tag: number; value: Buffer }): Buffer {
  if (tlv.tag === 0x04) return tlv.value;
  if (tlv.tag === 0x24) return Buffer.concat(children(tlv.value).map((piece) => piece.value)); // constructed (BER)
  throw new Error("expected an OCTET STRING");
}

function translate(error: unknown, invalid: (why: string) => AppError): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof PbeError) {
    if (error.reason === "bad-password") return wrongPassword();
    return invalid(
      "This PKCS#12 file is encrypted with an algorithm this console does not support; re-export it with `openssl pkcs12 -export` (AES-256).",
    );
  }
  return invalid("This PKCS#12 file is damaged: its contents cannot be read.");
}

function wrongPassword(): AppError {
  return new AppError("VALIDATION", "The password does not open this PKCS#12 file. Check it and try again.", {
    field: PASSWORD_FIELD,
  });
}
