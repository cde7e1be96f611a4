import { CertBag, id_x509Certificate, SafeContents } from "@peculiar/asn1-pfx";
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
import { children, octetsOf, readOid, readTlv } from "./der";
import { PbeError, pbeDecrypt, tooManyIterations } from "./pbe";
import { checkMac, ID_DATA, type Pfx, readPfx, wrongPassword } from "./pfx";
import { type ParsedPrivateKey, parsePrivateKeyDer } from "./private-key";

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

/** A key with a long chain is a few KiB; anything this large is not a certificate export. */
const MAX_PKCS12_BYTES = 1024 * 1024;
const ID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6";
const BAG = {
  key: "1.2.840.113549.1.12.10.1.1",
  shroudedKey: "1.2.840.113549.1.12.10.1.2",
  cert: "1.2.840.113549.1.12.10.1.3",
  safeContents: "1.2.840.113549.1.12.10.1.6",
};
/** A key and a chain fit in a handful of bags; a file with more is not a certificate export. */
export const MAX_BAGS = 64;
/** OpenSSL writes one encrypted container (the certificates); each costs a key derivation. */
const MAX_ENCRYPTED_CONTAINERS = 2;
const MAX_NESTING = 4;

/** What a walk over the file found, before any key is decrypted. */
interface Found {
  keyBags: Array<{ shrouded: boolean; value: Buffer }>;
  certs: DecodedCertificate[];
  bags: number;
}

/**
 * A .p12/.pfx file in pure JS: MAC checked, PBES2 (AES, PBKDF2) and legacy PKCS#12 PBE
 * (3DES, RC2) decrypted, one private key and its certificate found by public key.
 * Cheap checks first: sizes, bag counts and "exactly one key" are settled before the key is
 * derived, and every derivation runs off the event loop with capped iterations.
 * Nothing is written anywhere; errors never carry file bytes or the password.
 */
export async function parsePkcs12(input: ParsePkcs12Input): Promise<ParsedPkcs12> {
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

  let pfx: Pfx;
  let authSafe: Buffer;
  try {
    pfx = readPfx(input.der);
    authSafe = pfx.authSafe;
  } catch {
    throw invalid("This is not a PKCS#12 (.p12 / .pfx) file, or it is damaged.");
  }

  const found: Found = { keyBags: [], certs: [], bags: 0 };
  try {
    const encrypted: Array<{ value: Buffer }> = [];
    for (const info of children(readTlv(authSafe).value)) {
      const [typeTlv, contentTlv] = children(info.value);
      if (!typeTlv || !contentTlv) continue;
      const type = readOid(typeTlv);
      const inner = readTlv(contentTlv.value); // [0] EXPLICIT wrapper
      if (type === ID_DATA) readBags(octetsOf(inner), field, found, 0, invalid);
      else if (type === ID_ENCRYPTED_DATA) encrypted.push(inner);
    }
    if (encrypted.length > MAX_ENCRYPTED_CONTAINERS)
      throw invalid(`This PKCS#12 file has ${encrypted.length} encrypted containers; a key export has one.`);
    // The parser fills in an empty MacData (no algorithm) when the file has none.
    if (pfx.mac) await checkMac(pfx.mac, authSafe, input.password, field);
    for (const container of encrypted) {
      const contents = decryptedSafeContents(await decryptEncryptedData(container, input.password));
      readBags(contents, field, found, 0, invalid);
    }
    if (found.keyBags.length === 0)
      throw invalid("This PKCS#12 file holds no private key; export it again with the key included.");
    const [bag] = found.keyBags;
    const key = bag!.shrouded
      ? await shroudedKey(bag!.value, input.password, field)
      : parsePrivateKeyDer(bag!.value, field);
    return withCertificate(key, found.certs, now, invalid);
  } catch (error) {
    throw translate(error, invalid);
  }
}

function withCertificate(
  key: ParsedPrivateKey,
  certs: DecodedCertificate[],
  now: Date,
  invalid: (why: string) => AppError,
): ParsedPkcs12 {
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

/**
 * Collects bags without decrypting any key: a second key is refused before anything is derived.
 * Bags are walked with the small DER reader first, so a file of thousands of bags costs no parsing.
 */
function readBags(
  safeContents: Buffer,
  field: string,
  found: Found,
  depth: number,
  invalid: (why: string) => AppError,
): void {
  if (depth > MAX_NESTING) throw invalid("This PKCS#12 file nests its contents too deeply.");
  const bags = children(readTlv(safeContents).value).map((bag) => {
    const [idTlv, wrapper] = children(bag.value);
    if (!idTlv || !wrapper) throw new Error("bad SafeBag");
    return { bagId: readOid(idTlv), value: readTlv(wrapper.value).raw };
  });
  const keyBags = bags.filter((bag) => bag.bagId === BAG.key || bag.bagId === BAG.shroudedKey);
  if (found.keyBags.length + keyBags.length > 1)
    throw invalid("This PKCS#12 file holds more than one private key; export only the one to import.");
  found.bags += bags.length;
  if (found.bags > MAX_BAGS)
    throw invalid(`This PKCS#12 file holds more than ${MAX_BAGS} items; a key export holds a few.`);
  for (const { bagId, value } of bags) {
    if (bagId === BAG.key || bagId === BAG.shroudedKey) {
      found.keyBags.push({ shrouded: bagId === BAG.shroudedKey, value });
    } else if (bagId === BAG.cert) {
      const certBag = AsnConvert.parse(value, CertBag);
      if (certBag.certId === id_x509Certificate)
        found.certs.push(decodeCertificateDer(octets(certBag.certValue), field));
    } else if (bagId === BAG.safeContents) {
      readBags(value, field, found, depth + 1, invalid);
    }
    // CRL and secret bags carry nothing we import.
  }
}

async function shroudedKey(value: Buffer, password: string, field: string): Promise<ParsedPrivateKey> {
  const [algorithm, encrypted] = children(readTlv(value).value);
  if (!algorithm || !encrypted) throw new Error("bad shrouded key bag");
  return decryptedKey(await pbeDecrypt(algorithm.raw, encrypted.value, password), field);
}

/**
 * CBC padding happens to look valid for about 1 wrong password in 256; then the plaintext is noise.
 * Without a MAC that is the only sign of a wrong password, so it is reported as one.
 */
function decryptedKey(pkcs8: Buffer, field: string): ParsedPrivateKey {
  try {
    return parsePrivateKeyDer(pkcs8, field);
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
function decryptEncryptedData(encryptedData: { value: Buffer }, password: string): Promise<Buffer> {
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

function translate(error: unknown, invalid: (why: string) => AppError): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof PbeError) {
    if (error.reason === "bad-password") return wrongPassword();
    if (error.reason === "too-many-iterations")
      return invalid(tooManyIterations("PKCS#12 file", error.message));
    return invalid(
      "This PKCS#12 file is encrypted with an algorithm this console does not support; re-export it with `openssl pkcs12 -export` (AES-256).",
    );
  }
  return invalid("This PKCS#12 file is damaged: its contents cannot be read.");
}
