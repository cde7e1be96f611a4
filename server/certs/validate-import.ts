import { AppError } from "@/lib/errors";
import {
  type CertificateSummary,
  certificateSpkiDer,
  type DecodedCertificate,
  decodeCertificates,
  isIssuedBy,
  isSelfSigned,
  summarizeCertificate,
} from "./certificate";
import { WEAK_SIGNATURE_OIDS } from "./oids";
import type { ParsedPrivateKey } from "./private-key";

export interface Finding {
  level: "error" | "warning" | "info";
  code: string;
  message: string;
  field: string;
}

export interface ValidateImportInput {
  key?: ParsedPrivateKey;
  /** The server certificate; certificates after the first are treated as chain. */
  certificatePem: string;
  chainPem?: string;
  now?: Date;
}

export interface ValidateImportResult {
  /** True when there is no error-level finding. */
  ok: boolean;
  findings: Finding[];
  summary: { certificate: CertificateSummary | null; chain: CertificateSummary[] };
}

/**
 * The "Validate" button: every check an admin needs before a key and certificate are stored,
 * each as a finding in words. Never throws for bad input; it reports it.
 */
export function validateImport(input: ValidateImportInput): ValidateImportResult {
  const now = input.now ?? new Date();
  const findings: Finding[] = [];
  const add = (level: Finding["level"], code: string, field: string, message: string) =>
    findings.push({ level, code, field, message });

  const certs = readCerts(input.certificatePem, "certificate", add);
  const leaf = certs[0];
  const chain = [...certs.slice(1), ...(input.chainPem ? readCerts(input.chainPem, "chain", add) : [])];
  if (!leaf) return { ok: false, findings, summary: { certificate: null, chain: [] } };

  const summary = summarizeCertificate(leaf, now);
  checkKey(input.key, leaf, add);
  checkDates(summary, "certificate", "The certificate", add);
  checkServerUsage(summary, add);
  checkChain(leaf, chain, now, add);
  if (WEAK_SIGNATURE_OIDS.has(leaf.asn.signatureAlgorithm.algorithm)) {
    add(
      "warning",
      "WEAK_SIGNATURE",
      "certificate",
      `The certificate is signed with ${summary.signatureAlgorithm}; browsers reject SHA-1 and MD5 signatures. Have it reissued with SHA-256.`,
    );
  }
  return {
    ok: !findings.some((finding) => finding.level === "error"),
    findings,
    summary: { certificate: summary, chain: chain.map((cert) => summarizeCertificate(cert, now)) },
  };
}

type Add = (level: Finding["level"], code: string, field: string, message: string) => void;

function readCerts(text: string, field: string, add: Add): DecodedCertificate[] {
  try {
    return decodeCertificates(text, field);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    add("error", field === "chain" ? "CHAIN_UNREADABLE" : "CERTIFICATE_UNREADABLE", field, error.message);
    return [];
  }
}

function checkKey(key: ParsedPrivateKey | undefined, leaf: DecodedCertificate, add: Add): void {
  if (!key) return;
  if (!certificateSpkiDer(leaf).equals(key.publicKeySpkiDer)) {
    add(
      "error",
      "KEY_MISMATCH",
      "key",
      "The private key does not belong to this certificate (their public keys differ). Upload the key the certificate was issued for.",
    );
  }
  if (key.algorithm === "RSA" && (key.bits ?? 0) < 2048) {
    add(
      "warning",
      "WEAK_KEY",
      "key",
      `The RSA key has only ${key.bits} bits; 2048 bits or more is the minimum browsers and auditors accept.`,
    );
  }
}

function checkDates(summary: CertificateSummary, field: string, what: string, add: Add): void {
  const day = (iso: string) => iso.slice(0, 10);
  if (summary.expiry === "expired") {
    add("error", "EXPIRED", field, `${what} expired on ${day(summary.notAfter)}. Renew it before importing.`);
  } else if (summary.expiry === "not-yet-valid") {
    add(
      "error",
      "NOT_YET_VALID",
      field,
      `${what} is not valid before ${day(summary.notBefore)}; clients will refuse it until then. Check the clocks or wait.`,
    );
  } else if (summary.expiry === "expiring") {
    add(
      "warning",
      "EXPIRING",
      field,
      `${what} expires on ${day(summary.notAfter)}, in ${summary.daysUntilExpiry} days. Plan its renewal.`,
    );
  }
}

/** TLS server use: RFC 5280 says absent extensions allow everything, so only present ones restrict. */
function checkServerUsage(summary: CertificateSummary, add: Add): void {
  const usage = new Set(summary.keyUsage);
  const rsa = summary.publicKey.algorithm === "RSA";
  if (usage.size > 0 && !usage.has("digitalSignature")) {
    if (rsa && usage.has("keyEncipherment")) {
      add(
        "warning",
        "KEY_USAGE",
        "certificate",
        "The certificate allows only RSA key exchange (keyEncipherment, no digitalSignature): TLS 1.3 and ECDHE clients will refuse it.",
      );
    } else {
      add(
        "error",
        "KEY_USAGE",
        "certificate",
        "The certificate's key usage does not include digitalSignature, so it cannot sign a TLS handshake.",
      );
    }
  }
  const eku = summary.extendedKeyUsage;
  if (eku && !eku.includes("serverAuth") && !eku.includes("anyExtendedKeyUsage")) {
    add(
      "error",
      "EXTENDED_KEY_USAGE",
      "certificate",
      `The certificate is for ${eku.join(", ") || "no purpose"}, not for TLS servers (serverAuth); clients will refuse it.`,
    );
  }
  if (summary.isCa) {
    add(
      "warning",
      "CA_CERTIFICATE",
      "certificate",
      "This is a CA certificate, not a server certificate. Check that you picked the right file.",
    );
  }
  if (summary.subjectAltNames.dns.length === 0 && summary.subjectAltNames.ip.length === 0) {
    add(
      "warning",
      "NO_SAN",
      "certificate",
      "The certificate has no subject alternative names; browsers ignore the common name and will refuse it.",
    );
  }
}

function checkChain(leaf: DecodedCertificate, chain: DecodedCertificate[], now: Date, add: Add): void {
  const name = (cert: DecodedCertificate) => summarizeCertificate(cert, now).subject.dn || "(empty subject)";
  if (chain.length === 0) {
    if (!isSelfSigned(leaf)) {
      add(
        "info",
        "NO_CHAIN",
        "chain",
        `No chain was given. Clients that do not already hold the intermediate certificates of "${summarizeCertificate(leaf, now).issuer.dn}" will not trust this certificate.`,
      );
    }
    return;
  }
  const path = [leaf, ...chain];
  for (let i = 0; i + 1 < path.length; i += 1) {
    const child = path[i]!;
    const parent = path[i + 1]!;
    if (isIssuedBy(child, parent)) continue;
    const signer = chain.find((candidate) => candidate !== child && isIssuedBy(child, candidate));
    if (signer) {
      add(
        "error",
        "CHAIN_ORDER",
        "chain",
        `The chain is out of order: "${name(child)}" is signed by "${name(signer)}", which must come right after it. Order it from the server certificate up to the root.`,
      );
    } else {
      add(
        "error",
        "CHAIN_BROKEN",
        "chain",
        `"${name(child)}" is not signed by "${name(parent)}" nor by any certificate of the chain; the chain does not link. Use the chain your CA issued with this certificate.`,
      );
    }
    return;
  }
  for (const cert of chain) {
    const summary = summarizeCertificate(cert, now);
    if (!summary.isCa) {
      add(
        "error",
        "CHAIN_NOT_CA",
        "chain",
        `"${summary.subject.dn}" in the chain is not a CA certificate, so it cannot sign others.`,
      );
    }
    checkDates(summary, "chain", `The chain certificate "${summary.subject.dn}"`, add);
  }
  const top = chain[chain.length - 1]!;
  if (!isSelfSigned(top)) {
    add(
      "info",
      "CHAIN_WITHOUT_ROOT",
      "chain",
      `The chain ends at "${name(top)}"; clients must trust its issuer "${summarizeCertificate(top, now).issuer.dn}" (usually a root in their store).`,
    );
  }
}
