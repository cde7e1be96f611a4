import { createHash, randomBytes, scryptSync } from "node:crypto";
import * as pkcs11js from "pkcs11js";
import { type TokenContext, findObjects } from "./p11";

/**
 * A cloning domain is one AES-256 key present in every member partition, as a trusted,
 * sensitive, non-extractable token object. Objects are cloned by wrapping them under it on one
 * appliance and unwrapping on another: plaintext key material never leaves an HSM.
 *
 * The key value exists in the clear only transiently: generated (or derived from a domain
 * secret an admin types, like Luna's domain string) in memory, injected with C_CreateObject
 * into each member at partition creation, then zero-filled. It is never written to disk.
 */
export const DOMAIN_KEY_LABEL = "cloning-domain";

export interface DomainKey {
  name: string;
  key: Buffer;
}

export function randomDomain(name: string): DomainKey {
  return { name, key: randomBytes(32) };
}

/** Same secret → same key on every appliance; the name is derived so members can be matched. */
export function domainFromSecret(secret: string): DomainKey {
  const key = scryptSync(secret, "hsm-lab cloning domain v1", 32);
  const name = `domain-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
  return { name, key };
}

export function wipe(domain: DomainKey): void {
  domain.key.fill(0);
}

/**
 * Injected by the partition SO: only the SO may set CKA_TRUSTED, and an SO session can create
 * only public objects, so the key is CKA_PRIVATE false — visible to the partition's clients but
 * unusable by them: not extractable, and its only uses are wrap/unwrap with AES key wrap, a
 * mechanism the NTLS RPC does not carry.
 */
export function injectDomainKey(ctx: TokenContext, domain: DomainKey): void {
  ctx.p11.C_CreateObject(ctx.session, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE, value: domain.key },
    { type: pkcs11js.CKA_LABEL, value: DOMAIN_KEY_LABEL },
    { type: pkcs11js.CKA_ID, value: Buffer.from(domain.name) },
    { type: pkcs11js.CKA_TOKEN, value: true },
    { type: pkcs11js.CKA_PRIVATE, value: false },
    { type: pkcs11js.CKA_SENSITIVE, value: true },
    { type: pkcs11js.CKA_EXTRACTABLE, value: false },
    { type: pkcs11js.CKA_TRUSTED, value: true },
    { type: pkcs11js.CKA_WRAP, value: true },
    { type: pkcs11js.CKA_UNWRAP, value: true },
    { type: pkcs11js.CKA_ENCRYPT, value: false },
    { type: pkcs11js.CKA_DECRYPT, value: false },
    { type: pkcs11js.CKA_SIGN, value: false },
    { type: pkcs11js.CKA_VERIFY, value: false },
    { type: pkcs11js.CKA_DERIVE, value: false },
    { type: pkcs11js.CKA_MODIFIABLE, value: false },
  ]);
}

export function findDomainKey(ctx: TokenContext): Buffer | undefined {
  return findObjects(ctx, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: DOMAIN_KEY_LABEL },
  ])[0];
}
