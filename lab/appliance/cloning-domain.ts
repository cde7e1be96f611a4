import * as pkcs11js from "pkcs11js";
import { AppError } from "@/lib/errors";
import { findObjects, isTrue, logIn, readAttributes, type TokenContext, withToken } from "./softhsm";

/**
 * Where the lab appliance keeps its cloning-domain keys, and how it uses them: INSIDE the
 * appliance, as Luna does. A partition user (partition password, any PKCS#11 call, even on the
 * token directly) must never be able to wrap or unwrap with a domain key, so a domain key is
 * never an object of a client's partition:
 * - at rest it lives in the appliance's own vault token (VAULT_LABEL), never assigned to any
 *   client, whose PIN only the appliance holds (vault.json, 0600, like the partition SO PINs);
 * - to clone, the appliance creates it as a SESSION object of its own session on the partition:
 *   the partition SO creates it (only the SO may set CKA_TRUSTED, which the source key's
 *   CKA_WRAP_WITH_TRUSTED demands), logs out, the user logs in on the same session, the key is
 *   used and destroyed. Session objects exist only in the appliance process's memory.
 */
export const VAULT_LABEL = "appliance-vault";

/** Label of the domain key older lab partitions held as a token object (retired at start). */
export const DOMAIN_KEY_LABEL = "cloning-domain";

/** Keeps a domain key in the vault (once per domain name; the same secret gives the same key). */
export function storeDomainKey(vaultPin: string, domain: { name: string; key: Buffer }): void {
  withToken(VAULT_LABEL, { user: "USER", pin: vaultPin }, (ctx) => {
    if (findVaultKey(ctx, domain.name)) return;
    ctx.p11.C_CreateObject(ctx.session, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
      { type: pkcs11js.CKA_VALUE, value: domain.key },
      { type: pkcs11js.CKA_LABEL, value: domain.name },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_PRIVATE, value: true },
      // Readable by the appliance (to instantiate session copies; SoftHSM shows CKA_VALUE only
      // of a non-sensitive AND extractable key), usable for nothing; the vault has no other key.
      { type: pkcs11js.CKA_SENSITIVE, value: false },
      { type: pkcs11js.CKA_EXTRACTABLE, value: true },
      { type: pkcs11js.CKA_WRAP, value: false },
      { type: pkcs11js.CKA_UNWRAP, value: false },
      { type: pkcs11js.CKA_ENCRYPT, value: false },
      { type: pkcs11js.CKA_DECRYPT, value: false },
    ]);
  });
}

/** The domain key's value from the vault; the caller zero-fills it after use. */
export function domainKeyValue(vaultPin: string, name: string): Buffer {
  return withToken(VAULT_LABEL, { user: "USER", pin: vaultPin }, (ctx) => {
    const h = findVaultKey(ctx, name);
    if (!h) {
      throw new AppError(
        "HSM_KEY_POLICY",
        `Cloning domain ${name} is not held by this appliance (partition created before in-appliance cloning). Re-create the partition in its domain to clone.`,
      );
    }
    const value = readAttributes(ctx, h, [pkcs11js.CKA_VALUE]).get(pkcs11js.CKA_VALUE);
    return Buffer.from(value ?? Buffer.alloc(0));
  });
}

/**
 * Runs `fn` logged in as the partition user, with the domain key as a trusted session object of
 * this session only (see above). `value` is zero-filled here.
 */
export function withDomainKeySession<T>(
  partition: { label: string; soPin: string },
  password: string,
  value: Buffer,
  fn: (ctx: TokenContext, domainKey: Buffer) => T,
): T {
  return withToken(partition.label, null, (ctx) => {
    let domainKey: Buffer;
    try {
      ctx.p11.C_Login(ctx.session, pkcs11js.CKU_SO, partition.soPin);
      domainKey = ctx.p11.C_CreateObject(ctx.session, sessionDomainKey(value));
      ctx.p11.C_Logout(ctx.session); // public session objects outlive the logout
    } finally {
      value.fill(0);
    }
    try {
      logIn(ctx, partition.label, { user: "USER", pin: password });
      return fn(ctx, domainKey);
    } finally {
      ctx.p11.C_DestroyObject(ctx.session, domainKey);
    }
  });
}

/** Removes domain keys that older lab versions left as token objects in a partition. */
export function retireInTokenDomainKeys(partition: { label: string; soPin: string }): number {
  return withToken(partition.label, { user: "SO", pin: partition.soPin }, (ctx) => {
    const found = findObjects(ctx, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
      { type: pkcs11js.CKA_LABEL, value: DOMAIN_KEY_LABEL },
    ]);
    for (const h of found) ctx.p11.C_DestroyObject(ctx.session, h);
    return found.length;
  });
}

function sessionDomainKey(value: Buffer): pkcs11js.Template {
  return [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_KEY_TYPE, value: pkcs11js.CKK_AES },
    { type: pkcs11js.CKA_VALUE, value },
    { type: pkcs11js.CKA_TOKEN, value: false },
    // An SO session creates only public objects; this one never leaves the session.
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
  ];
}

function findVaultKey(ctx: TokenContext, name: string): Buffer | undefined {
  const [h] = findObjects(ctx, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_SECRET_KEY },
    { type: pkcs11js.CKA_LABEL, value: name },
  ]);
  if (!h) return undefined;
  // Only what the vault itself made: a private token object.
  return isTrue(readAttributes(ctx, h, [pkcs11js.CKA_PRIVATE]).get(pkcs11js.CKA_PRIVATE)) ? h : undefined;
}
