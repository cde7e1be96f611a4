import type { Certificate, CertificateSummary } from "@/lib/schemas/certificate";
import type { CertificateRow as Row, SummaryRow } from "@/server/aggregates/certificates";
import { expiryStatus } from "@/server/certs";

type UsedBy = { id: string; name: string }[];

/** The list's view of a row: never key material (keyEnc stays on the server). */
export function toSummary(
  row: SummaryRow,
  groupName: string | null,
  usedBy: UsedBy,
  now = new Date(),
): CertificateSummary {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    status: row.status,
    subjectCn: row.subjectCn,
    dnsNames: row.subjectAltNames?.dns ?? [],
    ipAddresses: row.subjectAltNames?.ip ?? [],
    issuer: row.issuer,
    keyAlgorithm: row.keyAlgorithm,
    keyBits: row.keyBits,
    keyCurve: row.keyCurve,
    keyOrigin: row.keyOrigin,
    hsmGroupId: row.hsmGroupId,
    hsmGroupName: groupName,
    keyMembers: row.keyMembers ?? [],
    notAfter: row.notAfter?.toISOString() ?? null,
    expiry:
      row.notAfter && row.status === "active"
        ? expiryStatus(row.notAfter, now, row.notBefore ?? undefined)
        : null,
    failureReason: row.failureReason,
    usedBy,
  };
}

export function toCertificate(row: Row, groupName: string | null, usedBy: UsedBy): Certificate {
  return {
    ...toSummary(row, groupName, usedBy),
    subject: row.subject ?? {},
    serial: row.serial,
    notBefore: row.notBefore?.toISOString() ?? null,
    fingerprintSha1: row.fingerprintSha1,
    fingerprintSha256: row.fingerprintSha256,
    keyIdHex: row.keyIdHex,
    keyLabel: row.keyLabel,
    keyUri: row.keyUri,
    certificatePem: row.certificatePem,
    chainPem: row.chainPem,
    csrPem: row.csrPem,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
