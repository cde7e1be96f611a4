import { X509Certificate } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import {
  BasicConstraints,
  Certificate,
  ExtendedKeyUsage,
  id_ce_basicConstraints,
  id_ce_extKeyUsage,
  id_ce_keyUsage,
  id_ce_subjectAltName,
  KeyUsage,
  SubjectAlternativeName,
} from "@peculiar/asn1-x509";
import { AppError } from "@/lib/errors";
import { daysUntil, type ExpiryStatus, expiryStatus } from "./expiry";
import { describeKey, type KeyInfo } from "./key-info";
import { type NameSummary, summarizeName } from "./names";
import { EXTENDED_KEY_USAGES, SIGNATURE_ALGORITHMS } from "./oids";
import { readPemBlocks } from "./pem";

/** Everything the UI shows about one certificate: plain JSON-safe data, dates as ISO strings. */
export interface CertificateSummary {
  subject: NameSummary;
  issuer: NameSummary;
  subjectAltNames: { dns: string[]; ip: string[]; email: string[] };
  serialNumber: string;
  notBefore: string;
  notAfter: string;
  publicKey: KeyInfo;
  signatureAlgorithm: string;
  /** Colon-separated upper-case hex, as appliances and `openssl x509 -fingerprint` print them. */
  fingerprints: { sha1: string; sha256: string };
  isCa: boolean;
  pathLength?: number;
  keyUsage: string[];
  /** Undefined when the certificate has no EKU extension (then any usage is allowed). */
  extendedKeyUsage?: string[];
  selfSigned: boolean;
  expiry: ExpiryStatus;
  daysUntilExpiry: number;
  pem: string;
}

/** A certificate decoded both ways: ASN.1 for the fields, Node's X509Certificate for crypto checks. */
export interface DecodedCertificate {
  der: Buffer;
  asn: Certificate;
  x509: X509Certificate;
}

const CERT_LABELS = new Set(["CERTIFICATE", "X509 CERTIFICATE"]);

/** Every certificate in a PEM text, in order; other blocks (a key pasted alongside) are skipped. */
export function decodeCertificates(text: string, field = "certificate"): DecodedCertificate[] {
  const blocks = readPemBlocks(text, field).filter((block) => CERT_LABELS.has(block.label));
  if (blocks.length === 0) {
    throw new AppError("VALIDATION", "No certificate found: expected a -----BEGIN CERTIFICATE----- block.", {
      field,
    });
  }
  return blocks.map((block, index) => decodeCertificateDer(block.der, field, index));
}

export function decodeCertificateDer(der: Buffer, field = "certificate", index = 0): DecodedCertificate {
  try {
    return { der, asn: AsnConvert.parse(der, Certificate), x509: new X509Certificate(der) };
  } catch {
    const which = index === 0 ? "The certificate" : `Certificate ${index + 1} in this text`;
    throw new AppError("VALIDATION", `${which} is not a valid X.509 certificate.`, { field });
  }
}

export function parseCertificatePem(
  text: string,
  now: Date = new Date(),
  field = "certificate",
): CertificateSummary[] {
  return decodeCertificates(text, field).map((cert) => summarizeCertificate(cert, now));
}

export function summarizeCertificate(cert: DecodedCertificate, now: Date = new Date()): CertificateSummary {
  const tbs = cert.asn.tbsCertificate;
  const notBefore = tbs.validity.notBefore.getTime();
  const notAfter = tbs.validity.notAfter.getTime();
  const extensions = readExtensions(cert.asn);
  const sigOid = cert.asn.signatureAlgorithm.algorithm;
  return {
    subject: summarizeName(tbs.subject),
    issuer: summarizeName(tbs.issuer),
    subjectAltNames: extensions.subjectAltNames,
    serialNumber: cert.x509.serialNumber.toUpperCase(),
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    publicKey: describeKey(cert.x509.publicKey),
    signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
    fingerprints: { sha1: cert.x509.fingerprint, sha256: cert.x509.fingerprint256 },
    isCa: extensions.isCa,
    ...(extensions.pathLength !== undefined ? { pathLength: extensions.pathLength } : {}),
    keyUsage: extensions.keyUsage,
    ...(extensions.extendedKeyUsage ? { extendedKeyUsage: extensions.extendedKeyUsage } : {}),
    selfSigned: isSelfSigned(cert),
    expiry: expiryStatus(notAfter, now, notBefore),
    daysUntilExpiry: daysUntil(notAfter, now),
    pem: cert.x509.toString(),
  };
}

/** Self-signed = names match AND its own key verifies the signature (names alone can lie). */
export function isSelfSigned(cert: DecodedCertificate): boolean {
  return isIssuedBy(cert, cert);
}

/** True when `issuer` signed `cert`: issuer name matches and the signature verifies. */
export function isIssuedBy(cert: DecodedCertificate, issuer: DecodedCertificate): boolean {
  try {
    return cert.x509.checkIssued(issuer.x509) && cert.x509.verify(issuer.x509.publicKey);
  } catch {
    return false;
  }
}

/** The certificate's SubjectPublicKeyInfo in DER, the form used to compare keys. */
export function certificateSpkiDer(cert: DecodedCertificate): Buffer {
  return cert.x509.publicKey.export({ type: "spki", format: "der" });
}

interface ExtensionSummary {
  subjectAltNames: CertificateSummary["subjectAltNames"];
  isCa: boolean;
  pathLength?: number;
  keyUsage: string[];
  extendedKeyUsage?: string[];
}

function readExtensions(asn: Certificate): ExtensionSummary {
  const out: ExtensionSummary = {
    subjectAltNames: { dns: [], ip: [], email: [] },
    isCa: false,
    keyUsage: [],
  };
  for (const ext of asn.tbsCertificate.extensions ?? []) {
    const value = ext.extnValue.buffer;
    if (ext.extnID === id_ce_subjectAltName) {
      for (const name of AsnConvert.parse(value, SubjectAlternativeName)) {
        if (name.dNSName) out.subjectAltNames.dns.push(name.dNSName);
        if (name.iPAddress) out.subjectAltNames.ip.push(name.iPAddress);
        if (name.rfc822Name) out.subjectAltNames.email.push(name.rfc822Name);
      }
    } else if (ext.extnID === id_ce_basicConstraints) {
      const bc = AsnConvert.parse(value, BasicConstraints);
      out.isCa = bc.cA;
      if (bc.pathLenConstraint !== undefined) out.pathLength = bc.pathLenConstraint;
    } else if (ext.extnID === id_ce_keyUsage) {
      out.keyUsage = AsnConvert.parse(value, KeyUsage).toJSON();
    } else if (ext.extnID === id_ce_extKeyUsage) {
      out.extendedKeyUsage = [...AsnConvert.parse(value, ExtendedKeyUsage)].map(
        (oid) => EXTENDED_KEY_USAGES[oid] ?? oid,
      );
    }
  }
  return out;
}
