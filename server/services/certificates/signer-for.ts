import { AppError } from "@/lib/errors";
import type { CertificateRow } from "@/server/aggregates/certificates";
import { decryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import type { KeySigner, TokenRef } from "@/server/pkcs11";
import { softwareSigner } from "./key-material";

/** The signer of a certificate's key: the HSM group's (HA) slot, or the key kept in the database. */
export async function signerFor(
  db: Db,
  tenantId: string,
  row: CertificateRow,
): Promise<{ signer: KeySigner; token: TokenRef; idHex: string }> {
  if (row.hsmGroupId && row.keyIdHex) {
    const access = await openHsmGroup(db, tenantId, row.hsmGroupId);
    return { signer: access.signer, token: access.members[0]!.token, idHex: row.keyIdHex };
  }
  if (!row.keyEnc) throw new AppError("CONFLICT", `"${row.name}" has no key.`);
  return {
    signer: softwareSigner(decryptSecret(row.keyEnc, "ssl_certificates.key")),
    token: { label: "database" },
    idHex: "00",
  };
}
