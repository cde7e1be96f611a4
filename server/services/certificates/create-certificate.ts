import { AppError } from "@/lib/errors";
import { type CreateCertificateInput, ZCreateCertificateInput } from "@/lib/schemas/certificate";
import { type CertificateRow, certificateIdNamed, insertCertificate } from "@/server/aggregates/certificates";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import type { Actor } from "../actor";
import { reachPoint, tracked } from "./creation-hooks";
import { finishKeyAndCertificate } from "./finish-create";
import {
  keyColumns,
  keyIdHexFor,
  keyLabelFor,
  keySpecOf,
  newCertificateId,
  subjectString,
} from "./key-material";
import { keyChoicesFor } from "./key-options";

/** Key of the requested validity (days) in the row's subject record. */
export const VALIDITY_KEY = "validityDays";

export interface CreateResult {
  row: CertificateRow;
  /** Key generation and signing, run after the mutation has answered (RSA-4096 takes seconds). */
  completion: Promise<void>;
}

/**
 * Intent first: the row is written with status "creating" (its id is the key's CKA_ID), then the
 * key is made in the HSM group (or in software, encrypted in the database) and the certificate or
 * CSR built in the background. Failures in between destroy the key and mark the row failed.
 */
export async function createCertificate(
  db: Db,
  actor: Actor,
  raw: CreateCertificateInput,
): Promise<CreateResult> {
  const input = ZCreateCertificateInput.parse(raw);
  await assertNameFree(db, actor.tenantId, input.name);
  const spec = keySpecOf(input.key);
  if (input.hsmGroupId) {
    // Opening the group checks the tenant and that the HSM answers before anything is written.
    const access = await openHsmGroup(db, actor.tenantId, input.hsmGroupId);
    if (!(await keyChoicesFor(access)).includes(input.key)) {
      throw new AppError(
        "VALIDATION",
        `The HSM group "${access.group.name}" cannot generate ${input.key} keys.`,
        {
          field: "key",
        },
      );
    }
  }
  await reachPoint("before-row", null);
  const id = newCertificateId();
  const idHex = keyIdHexFor(id);
  const subject = subjectString(input);
  const row = await insertCertificate(db, {
    id,
    tenantId: actor.tenantId,
    name: input.name,
    type: input.type,
    status: "creating",
    hsmGroupId: input.hsmGroupId ?? null,
    keyIdHex: input.hsmGroupId ? idHex : null,
    keyLabel: input.hsmGroupId ? keyLabelFor(input.name) : null,
    ...keyColumns(spec),
    keyOrigin: "generated",
    subjectCn: input.commonName,
    // The validity travels with the subject so that an interrupted creation can be finished.
    subject: { dn: subject, [VALIDITY_KEY]: String(input.validityDays) },
    subjectAltNames: { dns: input.dnsNames, ip: input.ipAddresses },
  });
  const completion = tracked(id, () =>
    finishKeyAndCertificate(db, actor.tenantId, row, {
      spec,
      subject,
      dnsNames: input.dnsNames,
      ipAddresses: input.ipAddresses,
      days: input.validityDays,
    }),
  );
  return { row, completion };
}

export async function assertNameFree(db: Db, tenantId: string, name: string): Promise<void> {
  if (await certificateIdNamed(db, tenantId, name))
    throw new AppError("CONFLICT", `A certificate named "${name}" already exists. Choose another name.`, {
      field: "name",
    });
}
