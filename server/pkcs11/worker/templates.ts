/** Every attribute template of the layer, in ONE place (worker side only). */
import * as pk from "pkcs11js";
import { CURVES, ecPointToAttribute } from "../formats";
import type { KeySpec } from "../types";

type Template = pk.Template;

export interface KeyPairTemplates {
  mechanism: pk.Mechanism;
  publicTemplate: Template;
  privateTemplate: Template;
}

/** The private-key policy every key of the console must have (read back after creation). */
export function privateKeyPolicy(replicable: boolean): Template {
  return [
    { type: pk.CKA_TOKEN, value: true },
    { type: pk.CKA_PRIVATE, value: true },
    { type: pk.CKA_SENSITIVE, value: true },
    { type: pk.CKA_EXTRACTABLE, value: replicable },
    // Replicable (HA source) keys may only be wrapped under a trusted (cloning-domain) key.
    ...(replicable ? [{ type: pk.CKA_WRAP_WITH_TRUSTED, value: true }] : []),
    { type: pk.CKA_MODIFIABLE, value: false },
  ];
}

/** Attributes read back after creation/import and the values they must have. */
export function expectedPolicy(replicable: boolean): Array<{ type: number; name: string; value: boolean }> {
  return [
    { type: pk.CKA_TOKEN, name: "CKA_TOKEN", value: true },
    { type: pk.CKA_PRIVATE, name: "CKA_PRIVATE", value: true },
    { type: pk.CKA_SENSITIVE, name: "CKA_SENSITIVE", value: true },
    { type: pk.CKA_EXTRACTABLE, name: "CKA_EXTRACTABLE", value: replicable },
    ...(replicable ? [{ type: pk.CKA_WRAP_WITH_TRUSTED, name: "CKA_WRAP_WITH_TRUSTED", value: true }] : []),
  ];
}

function identity(id: Buffer, label: string): Template {
  return [
    { type: pk.CKA_ID, value: id },
    { type: pk.CKA_LABEL, value: label },
  ];
}

export function keyPairTemplates(
  spec: KeySpec,
  id: Buffer,
  label: string,
  replicable: boolean,
): KeyPairTemplates {
  const publicCommon: Template = [
    { type: pk.CKA_CLASS, value: pk.CKO_PUBLIC_KEY },
    { type: pk.CKA_TOKEN, value: true },
    { type: pk.CKA_PRIVATE, value: false },
    { type: pk.CKA_VERIFY, value: true },
    ...identity(id, label),
  ];
  const privateCommon: Template = [
    { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
    ...privateKeyPolicy(replicable),
    { type: pk.CKA_SIGN, value: true },
    ...identity(id, label),
  ];
  if (spec.type === "RSA") {
    return {
      mechanism: { mechanism: pk.CKM_RSA_PKCS_KEY_PAIR_GEN },
      publicTemplate: [
        ...publicCommon,
        { type: pk.CKA_KEY_TYPE, value: pk.CKK_RSA },
        { type: pk.CKA_ENCRYPT, value: true },
        { type: pk.CKA_MODULUS_BITS, value: spec.bits },
        { type: pk.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
      ],
      // TLS with RSA key exchange needs decrypt too.
      privateTemplate: [
        ...privateCommon,
        { type: pk.CKA_KEY_TYPE, value: pk.CKK_RSA },
        { type: pk.CKA_DECRYPT, value: true },
      ],
    };
  }
  return {
    mechanism: { mechanism: pk.CKM_EC_KEY_PAIR_GEN },
    publicTemplate: [
      ...publicCommon,
      { type: pk.CKA_KEY_TYPE, value: pk.CKK_EC },
      { type: pk.CKA_EC_PARAMS, value: CURVES[spec.curve].oidDer },
    ],
    privateTemplate: [
      ...privateCommon,
      { type: pk.CKA_KEY_TYPE, value: pk.CKK_EC },
      { type: pk.CKA_DERIVE, value: false },
    ],
  };
}

export interface RsaComponents {
  n: Buffer;
  e: Buffer;
  d: Buffer;
  p: Buffer;
  q: Buffer;
  dp: Buffer;
  dq: Buffer;
  qi: Buffer;
}

/** Attributes of an imported private key, without the key material (added by the caller). */
export function importedPrivateTemplate(keyType: "RSA" | "EC", id: Buffer, label: string): Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
    { type: pk.CKA_KEY_TYPE, value: keyType === "RSA" ? pk.CKK_RSA : pk.CKK_EC },
    ...privateKeyPolicy(false),
    { type: pk.CKA_SIGN, value: true },
    ...(keyType === "RSA" ? [{ type: pk.CKA_DECRYPT, value: true }] : []),
    ...identity(id, label),
  ];
}

export function rsaPrivateMaterial(c: RsaComponents): Template {
  return [
    { type: pk.CKA_MODULUS, value: c.n },
    { type: pk.CKA_PUBLIC_EXPONENT, value: c.e },
    { type: pk.CKA_PRIVATE_EXPONENT, value: c.d },
    { type: pk.CKA_PRIME_1, value: c.p },
    { type: pk.CKA_PRIME_2, value: c.q },
    { type: pk.CKA_EXPONENT_1, value: c.dp },
    { type: pk.CKA_EXPONENT_2, value: c.dq },
    { type: pk.CKA_COEFFICIENT, value: c.qi },
  ];
}

export function ecPrivateMaterial(curveParams: Buffer, d: Buffer): Template {
  return [
    { type: pk.CKA_EC_PARAMS, value: curveParams },
    { type: pk.CKA_VALUE, value: d },
  ];
}

export function rsaPublicTemplate(id: Buffer, label: string, n: Buffer, e: Buffer): Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_PUBLIC_KEY },
    { type: pk.CKA_KEY_TYPE, value: pk.CKK_RSA },
    { type: pk.CKA_TOKEN, value: true },
    { type: pk.CKA_PRIVATE, value: false },
    { type: pk.CKA_VERIFY, value: true },
    { type: pk.CKA_ENCRYPT, value: true },
    { type: pk.CKA_MODULUS, value: n },
    { type: pk.CKA_PUBLIC_EXPONENT, value: e },
    ...identity(id, label),
  ];
}

export function ecPublicTemplate(id: Buffer, label: string, curveParams: Buffer, point: Buffer): Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_PUBLIC_KEY },
    { type: pk.CKA_KEY_TYPE, value: pk.CKK_EC },
    { type: pk.CKA_TOKEN, value: true },
    { type: pk.CKA_PRIVATE, value: false },
    { type: pk.CKA_VERIFY, value: true },
    { type: pk.CKA_EC_PARAMS, value: curveParams },
    { type: pk.CKA_EC_POINT, value: ecPointToAttribute(point) },
    ...identity(id, label),
  ];
}

/** A session-only AES key used once to unwrap an imported PKCS#8 where plain import is refused. */
export function sessionUnwrapKeyTemplate(value: Buffer): Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
    { type: pk.CKA_KEY_TYPE, value: pk.CKK_AES },
    { type: pk.CKA_TOKEN, value: false },
    { type: pk.CKA_PRIVATE, value: true },
    { type: pk.CKA_SENSITIVE, value: true },
    { type: pk.CKA_EXTRACTABLE, value: false },
    { type: pk.CKA_UNWRAP, value: true },
    { type: pk.CKA_VALUE, value },
  ];
}

/** Template of a key unwrapped into a token (import fallback and HA replicas): non-extractable. */
export function unwrappedPrivateTemplate(keyType: "RSA" | "EC", id: Buffer, label: string): Template {
  // SoftHSM refuses CKA_MODIFIABLE in an unwrap template (CKR_ATTRIBUTE_READ_ONLY).
  return importedPrivateTemplate(keyType, id, label).filter((a) => a.type !== pk.CKA_MODIFIABLE);
}

/** The custody probe's throwaway session pair: extractable, but only under a trusted key. */
export function custodyProbeTemplates(): [Template, Template] {
  return [
    [
      { type: pk.CKA_TOKEN, value: false },
      { type: pk.CKA_EC_PARAMS, value: CURVES["P-256"].oidDer },
    ],
    [
      { type: pk.CKA_TOKEN, value: false },
      { type: pk.CKA_PRIVATE, value: true },
      { type: pk.CKA_SENSITIVE, value: true },
      { type: pk.CKA_EXTRACTABLE, value: true },
      { type: pk.CKA_WRAP_WITH_TRUSTED, value: true },
      { type: pk.CKA_SIGN, value: true },
    ],
  ];
}

/** What an attacker would ask of an unwrap: a session private key readable in the clear. */
export function nonSensitiveUnwrap(): Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
    { type: pk.CKA_KEY_TYPE, value: pk.CKK_EC },
    { type: pk.CKA_TOKEN, value: false },
    { type: pk.CKA_SENSITIVE, value: false },
    { type: pk.CKA_EXTRACTABLE, value: true },
  ];
}

export function findTemplate(cls: number, id?: Buffer, label?: string): Template {
  return [
    { type: pk.CKA_CLASS, value: cls },
    ...(id ? [{ type: pk.CKA_ID, value: id }] : []),
    ...(label !== undefined ? [{ type: pk.CKA_LABEL, value: label }] : []),
  ];
}

/** Attributes read to describe a private key (a fresh array each time: pkcs11js writes into it). */
export const keyInfoAttributes = (): Template => [
  { type: pk.CKA_ID },
  { type: pk.CKA_LABEL },
  { type: pk.CKA_KEY_TYPE },
  { type: pk.CKA_LOCAL },
  { type: pk.CKA_SENSITIVE },
  { type: pk.CKA_EXTRACTABLE },
  { type: pk.CKA_ALWAYS_SENSITIVE },
  { type: pk.CKA_NEVER_EXTRACTABLE },
  { type: pk.CKA_WRAP_WITH_TRUSTED },
];
