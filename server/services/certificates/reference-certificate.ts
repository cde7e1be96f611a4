import { AppError } from "@/lib/errors";
import { type ReferenceCertificateInput, ZReferenceCertificateInput } from "@/lib/schemas/certificate";
import { insertCertificate } from "@/server/aggregates/certificates";
import { certificateMatchesPublicKey, validateImport } from "@/server/certs";
import type { Db } from "@/server/db";
import { type HsmMember, openHsmGroup } from "@/server/hsm/hsm-access";
import { type KeyInfo, parsePkcs11Uri, pkcs11Uri } from "@/server/pkcs11";
import type { Actor } from "../actor";
import { certificateColumns } from "./certificate-columns";
import { assertNameFree } from "./create-certificate";
import { FIELD_OF, splitChain } from "./import-input";
import { newCertificateId, spkiPem } from "./key-material";

/** A certificate for a key that already exists in the HSM group (found by PKCS#11 URI or label). */
export async function referenceCertificate(db: Db, actor: Actor, raw: ReferenceCertificateInput) {
  const input = ZReferenceCertificateInput.parse(raw);
  await assertNameFree(db, actor.tenantId, input.name);
  const filter = keyFilter(input);
  const access = await openHsmGroup(db, actor.tenantId, input.hsmGroupId);
  const field = input.keyUri ? "keyUri" : "keyLabel";
  // Every member is asked: the list shows which members hold the key (an HA group may hold a
  // key made outside the console on some members only).
  const holders: { member: HsmMember; key: KeyInfo }[] = [];
  for (const member of access.members) {
    const found = await member.client.findKeys(member.token, filter);
    if (found.length > 1)
      throw new AppError(
        "VALIDATION",
        `${found.length} keys match this reference on ${member.name}; use the PKCS#11 URI with its id.`,
        { field },
      );
    if (found[0]) holders.push({ member, key: found[0] });
  }
  if (holders.length === 0)
    throw new AppError(
      "VALIDATION",
      `No private key matching this reference exists in "${access.group.name}".`,
      { field },
    );
  const { member, key } = holders[0]!;
  const spki = await member.client.getPublicKey(member.token, key.idHex);
  if (!certificateMatchesPublicKey(input.certificatePem, spki, "certificatePem"))
    throw new AppError("VALIDATION", "The certificate does not belong to this key.", {
      field: "certificatePem",
    });
  const result = validateImport({ certificatePem: input.certificatePem, chainPem: input.chainPem });
  const error = result.findings.find((f) => f.level === "error");
  if (error)
    throw new AppError("VALIDATION", error.message, { field: FIELD_OF[error.field] ?? "certificatePem" });
  const { leafPem, chainPem } = splitChain(input.certificatePem, input.chainPem);
  const row = await insertCertificate(db, {
    id: newCertificateId(),
    tenantId: actor.tenantId,
    name: input.name,
    type: "reference",
    status: "active",
    hsmGroupId: access.group.id,
    keyIdHex: key.idHex,
    keyLabel: key.label,
    keyUri: pkcs11Uri({ token: member.token.label, idHex: key.idHex, object: key.label, type: "private" }),
    keyMembers: holders.map((h) => h.member.name),
    keyAlgorithm: key.type,
    keyBits: key.bits,
    keyCurve: key.curve ?? null,
    keyOrigin: key.origin,
    publicKeySpki: spkiPem(spki),
    ...certificateColumns(leafPem),
    chainPem,
  });
  return { id: row.id, name: row.name };
}

function keyFilter(input: ReferenceCertificateInput): { idHex?: string; label?: string } {
  if (input.keyUri) {
    let attrs: Record<string, string>;
    try {
      attrs = parsePkcs11Uri(input.keyUri);
    } catch {
      throw new AppError("VALIDATION", "Use a PKCS#11 URI such as pkcs11:token=…;id=%01;type=private.", {
        field: "keyUri",
      });
    }
    if (!attrs.id && !attrs.object)
      throw new AppError("VALIDATION", "The URI needs an id= or object= attribute.", { field: "keyUri" });
    return { ...(attrs.id ? { idHex: attrs.id } : {}), ...(attrs.object ? { label: attrs.object } : {}) };
  }
  if (input.keyLabel) return { label: input.keyLabel };
  throw new AppError("VALIDATION", "Enter the key's PKCS#11 URI or its label.", { field: "keyUri" });
}
