import * as pkcs11js from "pkcs11js";
import { AppError } from "@/lib/errors";
import { withDomainKeySession } from "./cloning-domain";
import { ckrName, findObjects, isTrue, readAttributes, type TokenContext } from "./softhsm";

/**
 * HSM-to-HSM cloning of one key pair (by CKA_ID), relayed by a client that only ever holds
 * ciphertext. The private key travels wrapped under the cloning-domain key
 * (CKM_AES_KEY_WRAP_PAD, RFC 5649, which also authenticates it); the public key travels as its
 * public attributes (a public key cannot be wrapped in PKCS#11, and it is not secret).
 *
 * Contract for cloneable keys: generated with CKA_EXTRACTABLE true AND CKA_WRAP_WITH_TRUSTED
 * true, so the only key that can ever wrap them is a trusted one — the domain key, which only
 * the partition SO can install. A key generated non-extractable is never cloneable, and the
 * copy is always created sensitive and non-extractable (a copy cannot be cloned onwards).
 */
/** What cloning needs of an appliance partition. */
export interface ClonePartition {
  label: string;
  cloningDomain: string;
  /** The partition SO's PIN: only the SO may create the trusted session copy of the domain key. */
  soPin: string;
}

interface CloneBlob {
  v: 1;
  domain: string;
  keyType: "EC" | "RSA";
  idHex: string;
  label: string;
  wrappedPrivateKey: string;
  publicKey: Record<string, string>;
}

const PUBLIC_ATTRS = {
  EC: { ecParams: pkcs11js.CKA_EC_PARAMS, ecPoint: pkcs11js.CKA_EC_POINT },
  RSA: { modulus: pkcs11js.CKA_MODULUS, publicExponent: pkcs11js.CKA_PUBLIC_EXPONENT },
} as const;

const WRAP = { mechanism: pkcs11js.CKM_AES_KEY_WRAP_PAD };

/** `domainKey`: the domain key's value from the appliance's vault (zero-filled here). */
export function cloneExport(
  partition: ClonePartition,
  password: string,
  idHex: string,
  domainKey: Buffer,
): string {
  const id = parseId(idHex);
  return withDomainKeySession(partition, password, domainKey, (ctx, kek) => {
    const priv = findObjects(ctx, [
      { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
      { type: pkcs11js.CKA_ID, value: id },
    ])[0];
    if (!priv)
      throw new AppError("HSM_OBJECT_NOT_FOUND", `No private key with id ${idHex} in ${partition.label}.`);
    const a = readAttributes(ctx, priv, [
      pkcs11js.CKA_KEY_TYPE,
      pkcs11js.CKA_LABEL,
      pkcs11js.CKA_EXTRACTABLE,
      pkcs11js.CKA_WRAP_WITH_TRUSTED,
    ]);
    if (!isTrue(a.get(pkcs11js.CKA_EXTRACTABLE)) || !isTrue(a.get(pkcs11js.CKA_WRAP_WITH_TRUSTED))) {
      throw new AppError(
        "HSM_KEY_POLICY",
        `Key ${idHex} is not cloneable: it must be generated with CKA_EXTRACTABLE and CKA_WRAP_WITH_TRUSTED true.`,
      );
    }
    const keyType = keyTypeName(a.get(pkcs11js.CKA_KEY_TYPE));
    let wrapped: Buffer;
    try {
      wrapped = ctx.p11.C_WrapKey(ctx.session, WRAP, kek, priv, Buffer.alloc(16_384));
    } catch (error) {
      throw new AppError("HSM_KEY_POLICY", `The HSM refused to wrap key ${idHex}: ${ckrName(error)}.`);
    }
    const blob: CloneBlob = {
      v: 1,
      domain: partition.cloningDomain,
      keyType,
      idHex: id.toString("hex"),
      label: a.get(pkcs11js.CKA_LABEL)?.toString("utf8") ?? "",
      wrappedPrivateKey: wrapped.toString("base64"),
      publicKey: readPublicKey(ctx, id, keyType, idHex),
    };
    return Buffer.from(JSON.stringify(blob)).toString("base64");
  });
}

export function cloneImport(
  partition: ClonePartition,
  password: string,
  blobText: string,
  domainKey: Buffer,
): { idHex: string } {
  const blob = parseBlob(blobText);
  if (blob.domain !== partition.cloningDomain) {
    throw new AppError(
      "HSM_KEY_POLICY",
      `Partition ${partition.label} is not in cloning domain ${blob.domain}: clone refused.`,
    );
  }
  const id = parseId(blob.idHex);
  return withDomainKeySession(partition, password, domainKey, (ctx, kek) => {
    if (findObjects(ctx, [{ type: pkcs11js.CKA_ID, value: id }]).length > 0) {
      throw new AppError("CONFLICT", `An object with id ${blob.idHex} already exists in ${partition.label}.`);
    }
    const keyType = blob.keyType === "EC" ? pkcs11js.CKK_EC : pkcs11js.CKK_RSA;
    const common = [
      { type: pkcs11js.CKA_KEY_TYPE, value: keyType },
      { type: pkcs11js.CKA_TOKEN, value: true },
      { type: pkcs11js.CKA_ID, value: id },
      { type: pkcs11js.CKA_LABEL, value: blob.label },
    ];
    let priv: Buffer;
    try {
      priv = ctx.p11.C_UnwrapKey(ctx.session, WRAP, kek, Buffer.from(blob.wrappedPrivateKey, "base64"), [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PRIVATE_KEY },
        ...common,
        { type: pkcs11js.CKA_PRIVATE, value: true },
        { type: pkcs11js.CKA_SENSITIVE, value: true },
        { type: pkcs11js.CKA_EXTRACTABLE, value: false },
        { type: pkcs11js.CKA_SIGN, value: true },
        ...(blob.keyType === "RSA" ? [{ type: pkcs11js.CKA_DECRYPT, value: true }] : []),
      ]);
    } catch (error) {
      // With RFC 5649 a key wrapped under another domain's key fails its integrity check here.
      throw new AppError(
        "HSM_KEY_POLICY",
        `The HSM could not unwrap the clone (${ckrName(error)}): it was not wrapped by this cloning domain.`,
      );
    }
    try {
      ctx.p11.C_CreateObject(ctx.session, [
        { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
        ...common,
        { type: pkcs11js.CKA_PRIVATE, value: false },
        { type: pkcs11js.CKA_VERIFY, value: true },
        ...(blob.keyType === "RSA" ? [{ type: pkcs11js.CKA_ENCRYPT, value: true }] : []),
        ...Object.entries(PUBLIC_ATTRS[blob.keyType]).map(([k, type]) => ({
          type,
          value: Buffer.from(blob.publicKey[k] ?? "", "base64"),
        })),
      ]);
    } catch (error) {
      ctx.p11.C_DestroyObject(ctx.session, priv); // no half-cloned pair
      throw new AppError("HSM_ERROR", `The HSM refused the public key: ${ckrName(error)}.`);
    }
    return { idHex: blob.idHex };
  });
}

function readPublicKey(
  ctx: TokenContext,
  id: Buffer,
  keyType: "EC" | "RSA",
  idHex: string,
): Record<string, string> {
  const pub = findObjects(ctx, [
    { type: pkcs11js.CKA_CLASS, value: pkcs11js.CKO_PUBLIC_KEY },
    { type: pkcs11js.CKA_ID, value: id },
  ])[0];
  if (!pub)
    throw new AppError("HSM_OBJECT_NOT_FOUND", `No public key with id ${idHex}: clone needs the pair.`);
  const attrs = PUBLIC_ATTRS[keyType];
  const got = readAttributes(ctx, pub, Object.values(attrs));
  return Object.fromEntries(
    Object.entries(attrs).map(([k, type]) => [k, got.get(type)?.toString("base64") ?? ""]),
  );
}

function parseId(idHex: string): Buffer {
  if (!/^([0-9a-fA-F]{2}){1,64}$/.test(idHex))
    throw new AppError("VALIDATION", `Invalid object id "${idHex}" (hex).`);
  return Buffer.from(idHex, "hex");
}

function parseBlob(text: string): CloneBlob {
  try {
    const blob = JSON.parse(Buffer.from(text, "base64").toString("utf8")) as CloneBlob;
    if (
      blob.v === 1 &&
      (blob.keyType === "EC" || blob.keyType === "RSA") &&
      typeof blob.wrappedPrivateKey === "string"
    ) {
      return blob;
    }
  } catch {
    // fall through
  }
  throw new AppError("VALIDATION", "The clone blob is not one this appliance produced.");
}

function keyTypeName(value: Buffer | undefined): "EC" | "RSA" {
  const n = value && value.length >= 8 ? Number(value.readBigUInt64LE()) : -1;
  if (n === pkcs11js.CKK_EC) return "EC";
  if (n === pkcs11js.CKK_RSA) return "RSA";
  throw new AppError("HSM_KEY_POLICY", "Only EC and RSA key pairs can be cloned.");
}
