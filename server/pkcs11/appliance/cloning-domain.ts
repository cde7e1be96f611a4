import * as pkcs11js from "pkcs11js";
import { findObjects, type TokenContext } from "./p11";

/** The domain key's label in every member partition (lab/appliance/domain-key.ts explains the concept). */
export const DOMAIN_KEY_LABEL = "cloning-domain";

/**
 * Injected by the partition SO: only the SO may set CKA_TRUSTED, and an SO session can create
 * only public objects, so the key is CKA_PRIVATE false — visible to the partition's clients but
 * unusable by them: not extractable, and its only uses are wrap/unwrap with AES key wrap, a
 * mechanism the NTLS RPC does not carry.
 */
export function injectDomainKey(ctx: TokenContext, domain: { name: string; key: Buffer }): void {
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
