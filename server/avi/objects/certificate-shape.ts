import type { Certificate, CertificateSummary, KeyChoice } from "@/lib/schemas/certificate";
import { objectRef } from "../ids";
import { identity } from "./lookup";
import type { AviCtx, Json } from "./types";

/** Avi's key_params ↔ the console's key choices. */
export const KEY_SIZES: Record<string, number> = {
  SSL_KEY_1024_BITS: 1024,
  SSL_KEY_2048_BITS: 2048,
  SSL_KEY_3072_BITS: 3072,
  SSL_KEY_4096_BITS: 4096,
};
export const CURVES: Record<string, string> = {
  SSL_KEY_EC_CURVE_SECP256R1: "P-256",
  SSL_KEY_EC_CURVE_SECP384R1: "P-384",
  SSL_KEY_EC_CURVE_SECP521R1: "P-521",
};
/** Avi's subject fields ↔ the console's (input and stored subject use the same names). */
export const SUBJECT_INPUT: Record<string, string> = {
  common_name: "commonName",
  organization: "organization",
  organization_unit: "organizationalUnit",
  locality: "locality",
  state: "state",
  country: "country",
  email_address: "email",
};

const EXPIRY: Record<string, string> = {
  good: "SSL_CERTIFICATE_GOOD",
  expiring: "SSL_CERTIFICATE_EXPIRY_WARNING",
  expired: "SSL_CERTIFICATE_EXPIRED",
};

export function keyParamsOf(c: CertificateSummary): Json {
  if (c.keyAlgorithm === "EC") {
    const curve = Object.entries(CURVES).find(([, v]) => v === c.keyCurve)?.[0];
    return { algorithm: "SSL_KEY_ALGORITHM_EC", ec_params: { curve } };
  }
  const size = Object.entries(KEY_SIZES).find(([, v]) => v === c.keyBits)?.[0];
  return { algorithm: "SSL_KEY_ALGORITHM_RSA", rsa_params: { key_size: size, exponent: 65537 } };
}

export function keyChoiceOf(
  algorithm: string,
  size: number | undefined,
  curve: string | undefined,
): KeyChoice {
  return (algorithm === "SSL_KEY_ALGORITHM_EC" ? `EC-${curve}` : `RSA-${size}`) as KeyChoice;
}

/** A console certificate (summary from a list, or the detail) in Avi's SSLKeyAndCertificate shape. */
export function certificateToAvi(ctx: AviCtx, c: CertificateSummary & Partial<Certificate>): Json {
  const subject: Json = {};
  for (const [avi, field] of Object.entries(SUBJECT_INPUT)) {
    const value = c.subject?.[field] ?? (avi === "common_name" ? c.subjectCn : undefined);
    if (value) subject[avi] = value;
  }
  if (c.subject?.dn) subject.distinguished_name = c.subject.dn;
  const days = c.notAfter
    ? Math.max(0, Math.floor((Date.parse(c.notAfter) - Date.now()) / 86_400_000))
    : undefined;
  return {
    ...identity(ctx, "sslkeyandcertificate", c),
    type: "SSL_CERTIFICATE_TYPE_VIRTUALSERVICE",
    status: c.status === "active" ? "SSL_CERTIFICATE_FINISHED" : "SSL_CERTIFICATE_PENDING",
    format: "SSL_PEM",
    key_params: keyParamsOf(c),
    ...(c.hsmGroupId
      ? {
          hardwaresecuritymodulegroup_ref: objectRef(
            ctx.style,
            "hardwaresecuritymodulegroup",
            c.hsmGroupId,
            c.hsmGroupName ?? "",
          ),
        }
      : {}),
    certificate: {
      self_signed: c.type === "self-signed",
      subject,
      subject_alt_names: [...c.dnsNames, ...c.ipAddresses],
      ...(c.issuer ? { issuer: { distinguished_name: c.issuer } } : {}),
      ...(c.notAfter ? { not_after: c.notAfter } : {}),
      ...(c.notBefore ? { not_before: c.notBefore } : {}),
      ...(days !== undefined ? { days_until_expire: days } : {}),
      ...(c.expiry && EXPIRY[c.expiry] ? { expiry_status: EXPIRY[c.expiry] } : {}),
      ...(c.serial ? { serial_number: c.serial } : {}),
      ...(c.fingerprintSha1 ? { fingerprint: `SHA1 Fingerprint=${c.fingerprintSha1}` } : {}),
      ...(c.certificatePem ? { certificate: c.certificatePem } : {}),
      ...(c.csrPem ? { certificate_signing_request: c.csrPem } : {}),
    },
    ...(c.failureReason ? { status_reason: c.failureReason } : {}),
  };
}
