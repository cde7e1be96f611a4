import { createPublicKey, type KeyObject, verify } from "node:crypto";
import { AsnConvert } from "@peculiar/asn1-schema";
import { Extensions, id_ce_subjectAltName, Name, SubjectAlternativeName } from "@peculiar/asn1-x509";
import { AppError } from "@/lib/errors";
import { certificateSpkiDer, decodeCertificates } from "./certificate";
import { children, readOid, readTlv } from "./der";
import { describeKey, type KeyInfo } from "./key-info";
import { type NameSummary, summarizeName } from "./names";
import { SIGNATURE_ALGORITHMS } from "./oids";
import { readPemBlocks } from "./pem";

export interface CsrSummary {
  subject: NameSummary;
  subjectAltNames: { dns: string[]; ip: string[]; email: string[] };
  publicKey: KeyInfo;
  publicKeySpkiDer: Buffer;
  signatureAlgorithm: string;
  /** The request is signed by the private key of its own public key (proof of possession). */
  signatureValid: boolean;
}

const CSR_LABELS = new Set(["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"]);
const EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
/** Hash of each signature algorithm we can check; RSA-PSS and others report signatureValid false. */
const SIGNATURE_HASH: Record<string, string | null> = {
  "1.2.840.113549.1.1.5": "sha1",
  "1.2.840.113549.1.1.11": "sha256",
  "1.2.840.113549.1.1.12": "sha384",
  "1.2.840.113549.1.1.13": "sha512",
  "1.2.840.10045.4.1": "sha1",
  "1.2.840.10045.4.3.2": "sha256",
  "1.2.840.10045.4.3.3": "sha384",
  "1.2.840.10045.4.3.4": "sha512",
  "1.3.101.112": null, // Ed25519: no separate hash
};

/**
 * A PKCS#10 request in PEM: CertificationRequest ::= SEQUENCE { info, signatureAlgorithm, signature }.
 * Parsed with the DER reader plus asn1-x509 types (the CSR package is not a direct dependency).
 */
export function parseCsrPem(text: string, field = "csr"): CsrSummary {
  const block = readPemBlocks(text, field).find((candidate) => CSR_LABELS.has(candidate.label));
  if (!block) {
    throw new AppError(
      "VALIDATION",
      "No certificate request found: expected a -----BEGIN CERTIFICATE REQUEST----- block.",
      {
        field,
      },
    );
  }
  try {
    const [info, algorithm, signature] = children(readTlv(block.der).value);
    if (!info || !algorithm || signature?.tag !== 0x03) throw new Error("bad CSR");
    const [, subject, spki, attributes] = children(info.value);
    if (!subject || !spki) throw new Error("bad CSR info");
    const key = createPublicKey({ key: spki.raw, format: "der", type: "spki" });
    const [algorithmOid] = children(algorithm.value);
    const sigOid = algorithmOid ? readOid(algorithmOid) : "";
    return {
      subject: summarizeName(AsnConvert.parse(subject.raw, Name)),
      subjectAltNames: requestedSans(attributes?.tag === 0xa0 ? attributes.value : Buffer.alloc(0)),
      publicKey: describeKey(key),
      publicKeySpkiDer: key.export({ type: "spki", format: "der" }),
      signatureAlgorithm: SIGNATURE_ALGORITHMS[sigOid] ?? sigOid,
      // BIT STRING: first content byte is the count of unused bits (0 for signatures).
      signatureValid: checkSignature(sigOid, info.raw, key, signature.value.subarray(1)),
    };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("VALIDATION", "The certificate request is damaged and cannot be read.", { field });
  }
}

function requestedSans(attributes: Buffer): CsrSummary["subjectAltNames"] {
  const out: CsrSummary["subjectAltNames"] = { dns: [], ip: [], email: [] };
  for (const attribute of children(attributes)) {
    const [type, values] = children(attribute.value);
    if (!type || !values || readOid(type) !== EXTENSION_REQUEST) continue;
    for (const value of children(values.value)) {
      for (const ext of AsnConvert.parse(value.raw, Extensions)) {
        if (ext.extnID !== id_ce_subjectAltName) continue;
        for (const name of AsnConvert.parse(ext.extnValue.buffer, SubjectAlternativeName)) {
          if (name.dNSName) out.dns.push(name.dNSName);
          if (name.iPAddress) out.ip.push(name.iPAddress);
          if (name.rfc822Name) out.email.push(name.rfc822Name);
        }
      }
    }
  }
  return out;
}

function checkSignature(oid: string, data: Buffer, key: KeyObject, signature: Buffer): boolean {
  const hash = SIGNATURE_HASH[oid];
  if (hash === undefined) return false;
  try {
    return verify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/**
 * True when the (first) certificate in `certPem` carries exactly this public key: the check made
 * before a signed certificate is attached to a CSR whose key lives in the HSM.
 */
export function certificateMatchesPublicKey(
  certPem: string,
  spkiDer: Buffer,
  field = "certificate",
): boolean {
  const [leaf] = decodeCertificates(certPem, field);
  if (!leaf) return false;
  const normalised = createPublicKey({ key: spkiDer, format: "der", type: "spki" }).export({
    type: "spki",
    format: "der",
  });
  return certificateSpkiDer(leaf).equals(normalised);
}
