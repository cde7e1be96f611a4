import { createPublicKey } from "node:crypto";
import { AppError } from "@/lib/errors";
import { type KeyChoice, type UploadSignedInput, ZUploadSignedInput } from "@/lib/schemas/certificate";
import { loadCertificate, updateCertificate } from "@/server/aggregates/certificates";
import { certificateMatchesPublicKey, validateImport } from "@/server/certs";
import type { Db } from "@/server/db";
import { createCsr } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { refreshForCertificate } from "../service-engines/supervisor-registry";
import { certificateColumns } from "./certificate-columns";
import { createCertificate } from "./create-certificate";
import { FIELD_OF, splitChain } from "./import-input";
import { signerFor } from "./signer-for";

/**
 * The signed certificate for a CSR: it must carry this certificate's public key and its chain
 * must link; then the row becomes active. Also used after a same-key renewal.
 */
export async function uploadSignedCertificate(db: Db, actor: Actor, raw: UploadSignedInput) {
  const input = ZUploadSignedInput.parse(raw);
  const row = await loadCertificate(db, actor.tenantId, input.id);
  if (
    !row.csrPem ||
    !row.publicKeySpki ||
    (row.status !== "awaiting-certificate" && row.status !== "active")
  ) {
    throw new AppError("CONFLICT", `"${row.name}" is not waiting for a signed certificate.`);
  }
  const spki = createPublicKey(row.publicKeySpki).export({ type: "spki", format: "der" });
  if (!certificateMatchesPublicKey(input.certificatePem, spki, "certificatePem")) {
    throw new AppError(
      "VALIDATION",
      `This certificate was issued for another key, not for the CSR of "${row.name}". Upload the certificate the CA issued for this CSR.`,
      { field: "certificatePem" },
    );
  }
  const result = validateImport({ certificatePem: input.certificatePem, chainPem: input.chainPem });
  const errors = result.findings.filter((f) => f.level === "error");
  if (errors.length > 0) {
    const issues = errors.map((f) => ({ field: FIELD_OF[f.field] ?? "certificatePem", message: f.message }));
    throw new AppError("VALIDATION", errors.map((e) => e.message).join(" "), {
      field: issues[0]!.field,
      details: { issues },
    });
  }
  const { leafPem, chainPem } = splitChain(input.certificatePem, input.chainPem);
  await updateCertificate(db, row.id, { ...certificateColumns(leafPem), chainPem, status: "active" });
  // A renewed certificate already used by virtual services: their SEs reload with the new PEM
  // and chain (the key is the same, so no restart is needed).
  await refreshForCertificate(db, row.id);
  return { id: row.id, name: row.name, status: "active" as const };
}

/**
 * Renewal. Same key: a new CSR signed by the existing key (the current certificate keeps
 * serving until the new one is uploaded). New key: a new CSR certificate with the same subject.
 */
export async function renewCertificate(db: Db, actor: Actor, id: string, newKey: boolean) {
  const row = await loadCertificate(db, actor.tenantId, id);
  const subject = row.subject?.dn;
  if (!subject) throw new AppError("CONFLICT", `"${row.name}" has no subject to renew.`);
  const sans = row.subjectAltNames ?? { dns: [], ip: [] };
  if (newKey) {
    const suffix = new Date().toISOString().slice(0, 10).replaceAll("-", "");
    const { row: created, completion } = await createCertificate(db, actor, {
      name: `${row.name}-renew-${suffix}`.slice(0, 64),
      type: "csr",
      hsmGroupId: row.hsmGroupId ?? undefined,
      key: (row.keyAlgorithm === "EC" ? `EC-${row.keyCurve}` : `RSA-${row.keyBits}`) as KeyChoice,
      commonName: row.subjectCn ?? subject,
      dnsNames: sans.dns,
      ipAddresses: sans.ip,
      validityDays: 365,
    });
    completion.catch(() => undefined);
    return { id: created.id, name: created.name, csrPem: null };
  }
  if (row.status !== "active" && row.status !== "awaiting-certificate")
    throw new AppError("CONFLICT", `"${row.name}" has no usable key (${row.status}).`);
  const { signer, token, idHex } = await signerFor(db, actor.tenantId, row);
  const csr = await createCsr(signer, { token, idHex, subject, dnsNames: sans.dns, ipAddresses: sans.ip });
  await updateCertificate(db, row.id, { csrPem: csr.pem });
  return { id: row.id, name: row.name, csrPem: csr.pem };
}
