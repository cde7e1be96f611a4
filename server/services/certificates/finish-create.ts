import { type CertificateRow, finishCreating, markFailed } from "@/server/aggregates/certificates";
import type { Db } from "@/server/db";
import { type HsmGroupAccess, openHsmGroup } from "@/server/hsm/hsm-access";
import {
  createCsr,
  createSelfSignedCertificate,
  type KeySigner,
  type KeySpec,
  type TokenRef,
  toAppError,
} from "@/server/pkcs11";
import { certificateColumns } from "./certificate-columns";
import { reachPoint } from "./creation-hooks";
import { destroyInGroup, generateInGroup, keyUriFor } from "./hsm-keys";
import {
  generateSoftwareKey,
  keyIdHexFor,
  keyLabelFor,
  sealKey,
  softwareSigner,
  spkiPem,
} from "./key-material";

export interface FinishInput {
  spec: KeySpec;
  subject: string;
  dnsNames: string[];
  ipAddresses: string[];
  days: number;
}

export interface MadeKey {
  signer: KeySigner;
  token: TokenRef;
  idHex: string;
  keyUri: string | null;
  keyEnc: string | null;
  /** Group members holding the key (null: kept in the database). */
  keyMembers: string[] | null;
}

/**
 * The background half of "create": key, then certificate or CSR, then the row becomes active or
 * awaiting-certificate. On any failure the key is destroyed and the row is marked failed with the
 * reason, so nothing is left in the HSM; a crash in between is found by the reconciler.
 */
export async function finishKeyAndCertificate(
  db: Db,
  tenantId: string,
  row: CertificateRow,
  input: FinishInput,
): Promise<void> {
  let cleanup: (() => Promise<unknown>) | null = null;
  try {
    const idHex = keyIdHexFor(row.id);
    let key: MadeKey;
    await reachPoint("after-row", row.id);
    if (row.hsmGroupId) {
      const access = await openHsmGroup(db, tenantId, row.hsmGroupId);
      const label = row.keyLabel ?? keyLabelFor(row.name);
      cleanup = () => destroyInGroup(access, idHex);
      const holders = await generateInGroup(access, { idHex, label, spec: input.spec });
      await reachPoint("after-key", row.id);
      key = keyInGroup(access, idHex, label, holders);
    } else {
      const pem = await generateSoftwareKey(input.spec);
      key = {
        signer: softwareSigner(pem),
        token: { label: "database" },
        idHex,
        keyUri: null,
        keyEnc: sealKey(pem),
        keyMembers: null,
      };
    }
    await activate(db, row, key, input);
  } catch (error) {
    if (cleanup) await cleanup().catch(() => undefined);
    await markFailed(db, row.id, toAppError(error).message).catch(() => undefined);
  }
}

/** The certificate or CSR for a key that exists; the row leaves "creating" only if still there. */
export async function activate(db: Db, row: CertificateRow, key: MadeKey, input: FinishInput): Promise<void> {
  const spki = await key.signer.getPublicKey(key.token, key.idHex);
  const common = {
    keyUri: key.keyUri,
    keyEnc: key.keyEnc,
    keyMembers: key.keyMembers,
    publicKeySpki: spkiPem(spki),
    failureReason: null,
  };
  const subjectInput = {
    token: key.token,
    idHex: key.idHex,
    subject: input.subject,
    dnsNames: input.dnsNames,
    ipAddresses: input.ipAddresses,
  };
  const values =
    row.type === "csr"
      ? {
          ...common,
          status: "awaiting-certificate" as const,
          csrPem: (await createCsr(key.signer, subjectInput)).pem,
        }
      : {
          ...common,
          status: "active" as const,
          ...certificateColumns(
            (await createSelfSignedCertificate(key.signer, { ...subjectInput, days: input.days })).pem,
          ),
        };
  if (!(await finishCreating(db, row.id, values)))
    throw new Error("The certificate was removed while its key was being created.");
}

/** The key as made in (or found complete in) every member of an HSM group. */
export function keyInGroup(access: HsmGroupAccess, idHex: string, label: string, holders: string[]): MadeKey {
  return {
    signer: access.signer,
    token: access.members[0]!.token,
    idHex,
    keyUri: keyUriFor(access, idHex, label),
    keyEnc: null,
    keyMembers: holders,
  };
}
