import { X509Certificate } from "node:crypto";
import { encryptSecret } from "@/server/crypto/secrets";
import { insertClient } from "@/server/aggregates/hsm-groups";
import type { DbOrTx } from "@/server/db";
import { createClientCertificate } from "@/server/ntls/self-signed";

export interface ClientIdentity {
  kind: "console" | "service-engine";
  name: string;
  ip: string;
}

export interface IssuedClientCert extends ClientIdentity {
  certPem: string;
  keyEnc: string;
  fingerprint: string;
  notAfter: Date;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The `vtl createCert -n <client>` step: a key pair and a self-signed certificate with the
 * client's name as CN. Made before the transaction (key generation is async crypto); the key
 * leaves this function only encrypted.
 */
export async function issueClientCert(
  client: ClientIdentity,
  validityDays: number,
): Promise<IssuedClientCert> {
  const notBefore = new Date(Date.now() - 60_000);
  const { certPem, keyPem } = await createClientCertificate({
    name: client.name,
    notBefore,
    notAfter: new Date(notBefore.getTime() + validityDays * DAY_MS),
  });
  const cert = new X509Certificate(certPem);
  return {
    ...client,
    certPem,
    keyEnc: encryptSecret(keyPem, "hsm_clients.key"),
    fingerprint: cert.fingerprint256,
    notAfter: new Date(cert.validTo),
  };
}

export function insertClientCert(db: DbOrTx, groupId: string, issued: IssuedClientCert) {
  const { kind, name, ip, certPem, keyEnc, fingerprint, notAfter } = issued;
  return insertClient(db, { groupId, kind, name, ip, certPem, keyEnc, fingerprint, notAfter });
}
