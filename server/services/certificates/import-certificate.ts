import { createPrivateKey } from "node:crypto";
import { AppError, isAppError } from "@/lib/errors";
import {
  type ImportCertificateInput,
  type ValidateImportInput,
  type ValidateResult,
  ZImportCertificateInput,
  ZValidateImportInput,
} from "@/lib/schemas/certificate";
import { deleteCertificateRow, insertCertificate, updateCertificate } from "@/server/aggregates/certificates";
import { validateImport } from "@/server/certs";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import type { Actor } from "../actor";
import { certificateColumns } from "./certificate-columns";
import { assertNameFree } from "./create-certificate";
import { reachPoint, tracked } from "./creation-hooks";
import { destroyInGroup, importInGroup, keyUriFor } from "./hsm-keys";
import { FIELD_OF, type ImportMaterial, readImportMaterial, splitChain } from "./import-input";
import { keyIdHexFor, keyLabelFor, newCertificateId, sealKey, spkiPem } from "./key-material";

/** "Validate": every finding in words; stores nothing and touches no HSM. */
export async function validateCertificateImport(raw: ValidateImportInput): Promise<ValidateResult> {
  const input = ZValidateImportInput.parse(raw);
  let material: ImportMaterial;
  try {
    material = await readImportMaterial(input);
  } catch (error) {
    if (!isAppError(error)) throw error;
    return {
      ok: false,
      findings: [{ level: "error", code: error.code, message: error.message, field: error.field }],
      subjectCn: null,
      keyDescription: null,
    };
  }
  const result = validateImport({
    key: material.key,
    certificatePem: material.certificatePem,
    chainPem: material.chainPem,
  });
  const k = material.key;
  return {
    ok: result.ok,
    findings: result.findings.map((f) => ({ ...f, field: FIELD_OF[f.field] ?? f.field })),
    subjectCn: result.summary.certificate?.subject.commonName ?? null,
    keyDescription: k.algorithm === "EC" ? `EC ${k.curve}` : `RSA ${k.bits}`,
  };
}

/**
 * Import: validated first (any error finding refuses the whole import); with an HSM group the key
 * goes into every member as sensitive and non-extractable and is flagged "imported". A failure
 * after the row is written destroys the HSM objects and removes the row: nothing is left.
 */
export async function importCertificate(db: Db, actor: Actor, raw: ImportCertificateInput) {
  const input = ZImportCertificateInput.parse(raw);
  await assertNameFree(db, actor.tenantId, input.name);
  const material = await readImportMaterial(input);
  const result = validateImport({
    key: material.key,
    certificatePem: material.certificatePem,
    chainPem: material.chainPem,
  });
  const errors = result.findings.filter((f) => f.level === "error");
  if (errors.length > 0) {
    const issues = errors.map((f) => ({ field: FIELD_OF[f.field] ?? "certificatePem", message: f.message }));
    throw new AppError("VALIDATION", errors.map((e) => e.message).join(" "), {
      field: issues[0]!.field,
      details: { issues },
    });
  }
  const access = input.hsmGroupId ? await openHsmGroup(db, actor.tenantId, input.hsmGroupId) : null;
  const id = newCertificateId();
  const idHex = keyIdHexFor(id);
  const label = keyLabelFor(input.name);
  const { leafPem, chainPem } = splitChain(material.certificatePem, material.chainPem);
  const key = material.key;
  await reachPoint("before-row", null);
  const row = await insertCertificate(db, {
    id,
    tenantId: actor.tenantId,
    name: input.name,
    type: "import",
    status: "creating",
    hsmGroupId: access?.group.id ?? null,
    keyIdHex: access ? idHex : null,
    keyLabel: access ? label : null,
    keyAlgorithm: key.algorithm,
    keyBits: key.bits ?? (key.curve === "P-384" ? 384 : key.curve === "P-521" ? 521 : 256),
    keyCurve: key.curve ?? null,
    keyOrigin: "imported",
    keyEnc: access
      ? null
      : sealKey(
          createPrivateKey({ key: key.pkcs8Der, format: "der", type: "pkcs8" })
            .export({ type: "pkcs8", format: "pem" })
            .toString(),
        ),
    publicKeySpki: spkiPem(key.publicKeySpkiDer),
  });
  try {
    await tracked(id, async () => {
      await reachPoint("after-row", id);
      const holders = access ? await importInGroup(access, { idHex, label, pkcs8: key.pkcs8Der }) : null;
      await reachPoint("after-key", id);
      await updateCertificate(db, id, {
        ...certificateColumns(leafPem),
        chainPem,
        status: "active",
        keyUri: access ? keyUriFor(access, idHex, label) : null,
        keyMembers: holders,
      });
    });
  } catch (error) {
    if (access) await destroyInGroup(access, idHex).catch(() => undefined);
    await deleteCertificateRow(db, id);
    throw error;
  } finally {
    key.pkcs8Der.fill(0);
  }
  return { id: row.id, name: row.name, hsmGroupName: access?.group.name ?? null };
}
