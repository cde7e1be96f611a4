/**
 * Self-signed X.509 certificates and PKCS#10 CSRs whose signatures are made by a key in the HSM.
 * The structures are built with @peculiar/asn1-* / @peculiar/x509; only the TBS bytes travel to the
 * HSM for signing (no node-webcrypto-p11). Runs in the parent process: no pkcs11js here.
 */
import "reflect-metadata";
import { createHash, createPublicKey, randomBytes } from "node:crypto";
import { Attributes, CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  AlgorithmIdentifier,
  Attribute,
  Certificate,
  Extension,
  Extensions,
  Name,
  SubjectPublicKeyInfo,
  TBSCertificate,
  Validity,
  Version,
} from "@peculiar/asn1-x509";
import * as x509 from "@peculiar/x509";
import type { KeySigner } from "./client";
import type { HashAlgorithm, SignAlgorithm, TokenRef } from "./types";

export interface SubjectInput {
  /** e.g. "CN=www.example.com, O=Example" (RFC 4514). */
  subject: string;
  /** DNS names and IP addresses for subjectAltName. */
  dnsNames?: string[];
  ipAddresses?: string[];
}

export interface CertificateInput extends SubjectInput {
  token: TokenRef;
  idHex: string;
  days: number;
  /** Defaults to a random positive 16-byte serial. */
  serialHex?: string;
  notBefore?: Date;
}

export interface CsrInput extends SubjectInput {
  token: TokenRef;
  idHex: string;
}

export interface CertificateResult {
  pem: string;
  der: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  signatureAlgorithm: string;
}

const OID = {
  sha256WithRSA: "1.2.840.113549.1.1.11",
  sha384WithRSA: "1.2.840.113549.1.1.12",
  ecdsaSha256: "1.2.840.10045.4.3.2",
  ecdsaSha384: "1.2.840.10045.4.3.3",
  ecdsaSha512: "1.2.840.10045.4.3.4",
  extensionRequest: "1.2.840.113549.1.9.14",
};

interface SigningChoice {
  algorithm: SignAlgorithm;
  hash: HashAlgorithm;
  identifier: AlgorithmIdentifier;
  name: string;
}

/** RSA → sha256WithRSAEncryption; EC → ECDSA with the hash matching the curve size. */
function signingChoice(spki: Buffer): SigningChoice {
  const key = createPublicKey({ key: spki, format: "der", type: "spki" });
  if (key.asymmetricKeyType === "rsa") {
    return {
      algorithm: "RSASSA-PKCS1-v1_5",
      hash: "SHA-256",
      identifier: new AlgorithmIdentifier({ algorithm: OID.sha256WithRSA, parameters: null }),
      name: "sha256WithRSAEncryption",
    };
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const hash: HashAlgorithm =
    curve === "secp521r1" ? "SHA-512" : curve === "secp384r1" ? "SHA-384" : "SHA-256";
  const oid = hash === "SHA-512" ? OID.ecdsaSha512 : hash === "SHA-384" ? OID.ecdsaSha384 : OID.ecdsaSha256;
  return {
    algorithm: "ECDSA",
    hash,
    identifier: new AlgorithmIdentifier({ algorithm: oid }),
    name: `ecdsa-with-${hash.replace("-", "")}`,
  };
}

function parseName(subject: string): Name {
  return AsnConvert.parse(new x509.Name(subject).toArrayBuffer(), Name);
}

function extension(ext: x509.Extension): Extension {
  return AsnConvert.parse(ext.rawData, Extension);
}

function subjectKeyId(spki: Buffer): string {
  const info = AsnConvert.parse(spki, SubjectPublicKeyInfo);
  return createHash("sha1").update(Buffer.from(info.subjectPublicKey)).digest("hex");
}

function sanExtension(input: SubjectInput): x509.Extension | undefined {
  const names = [
    ...(input.dnsNames ?? []).map((value) => ({ type: "dns" as const, value })),
    ...(input.ipAddresses ?? []).map((value) => ({ type: "ip" as const, value })),
  ];
  return names.length > 0 ? new x509.SubjectAlternativeNameExtension(names) : undefined;
}

function leafExtensions(input: SubjectInput, spki: Buffer, isRsa: boolean): Extension[] {
  const usage = x509.KeyUsageFlags.digitalSignature | (isRsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const list: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
    new x509.SubjectKeyIdentifierExtension(subjectKeyId(spki)),
  ];
  const san = sanExtension(input);
  if (san) list.push(san);
  return list.map(extension);
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString("base64").match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * A positive INTEGER in minimal DER form (no leading 0x00 unless the next byte has its high bit
 * set): OpenSSL rejects padded serials. Random serials: 16 bytes, first byte 0x01..0x7f.
 */
export function serialNumber(serialHex?: string): Buffer {
  if (serialHex === undefined) {
    const random = randomBytes(16);
    random[0] = ((random[0] ?? 0) & 0x7f) | 0x01;
    return random;
  }
  let bytes = Buffer.from(serialHex, "hex");
  while (bytes.length > 1 && bytes[0] === 0) bytes = bytes.subarray(1);
  if (bytes.length === 0) throw new Error("empty serial number");
  return (bytes[0] ?? 0) & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes;
}

export async function createSelfSignedCertificate(
  signer: KeySigner,
  input: CertificateInput,
): Promise<CertificateResult> {
  const spki = await signer.getPublicKey(input.token, input.idHex);
  const choice = signingChoice(spki);
  const serial = serialNumber(input.serialHex);
  const notBefore = input.notBefore ?? new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + input.days * 86_400_000);
  const name = parseName(input.subject);
  const tbs = new TBSCertificate({
    version: Version.v3,
    serialNumber: new Uint8Array(serial).buffer,
    signature: choice.identifier,
    issuer: name,
    validity: new Validity({ notBefore, notAfter }),
    subject: name,
    subjectPublicKeyInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    extensions: new Extensions(leafExtensions(input, spki, choice.algorithm !== "ECDSA")),
  });
  const tbsDer = Buffer.from(AsnConvert.serialize(tbs));
  const signature = await signer.sign({
    token: input.token,
    idHex: input.idHex,
    algorithm: choice.algorithm,
    hash: choice.hash,
    data: tbsDer,
  });
  const cert = new Certificate({
    tbsCertificate: tbs,
    signatureAlgorithm: choice.identifier,
    signatureValue: new Uint8Array(signature).buffer,
  });
  const der = Buffer.from(AsnConvert.serialize(cert));
  return {
    pem: pem("CERTIFICATE", der),
    der,
    serialHex: serial.toString("hex"),
    notBefore,
    notAfter,
    signatureAlgorithm: choice.name,
  };
}

export async function createCsr(signer: KeySigner, input: CsrInput): Promise<{ pem: string; der: Buffer }> {
  const spki = await signer.getPublicKey(input.token, input.idHex);
  const choice = signingChoice(spki);
  const san = sanExtension(input);
  const attributes: Attribute[] = san
    ? [
        new Attribute({
          type: OID.extensionRequest,
          values: [AsnConvert.serialize(new Extensions([extension(san)]))],
        }),
      ]
    : [];
  const info = new CertificationRequestInfo({
    version: 0,
    subject: parseName(input.subject),
    subjectPKInfo: AsnConvert.parse(spki, SubjectPublicKeyInfo),
    attributes: new Attributes(attributes),
  });
  const infoDer = Buffer.from(AsnConvert.serialize(info));
  const signature = await signer.sign({
    token: input.token,
    idHex: input.idHex,
    algorithm: choice.algorithm,
    hash: choice.hash,
    data: infoDer,
  });
  const csr = new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: choice.identifier,
    signature: new Uint8Array(signature).buffer,
  });
  const der = Buffer.from(AsnConvert.serialize(csr));
  return { pem: pem("CERTIFICATE REQUEST", der), der };
}
