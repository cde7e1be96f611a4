/** Key operations inside the worker. Inputs and outputs are plain data; handles stay here. */
import { createCipheriv, createHash, createPrivateKey, createPublicKey, randomBytes } from "node:crypto";
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { isCkr, toAppError } from "../errors";
import {
  CURVES,
  curveFromParams,
  ecdsaDerToRaw,
  ecdsaRawToDer,
  ecPointFromAttribute,
  ecSpki,
  hexToBuffer,
  nodeHashName,
  rsaSpki,
} from "../formats";
import type {
  Curve,
  GenerateKeyPairInput,
  HashAlgorithm,
  ImportPrivateKeyInput,
  KeyInfo,
  ReplicaBlob,
  SignInput,
  TokenRef,
  VerifyInput,
} from "../types";
import { pkcs11Uri } from "../uri";
import type { ModuleHost } from "./module";
import {
  cloningKeyTemplate,
  ecPrivateMaterial,
  ecPublicTemplate,
  expectedPolicy,
  findTemplate,
  importedPrivateTemplate,
  keyInfoAttributes,
  keyPairTemplates,
  rsaPrivateMaterial,
  rsaPublicTemplate,
  sessionUnwrapKeyTemplate,
  unwrappedPrivateTemplate,
} from "./templates";
import type { TokenState } from "./token";

type Handle = Buffer;
/** Large enough for any signature (RSA-8192 = 1024 bytes): CKR_BUFFER_TOO_SMALL would leave the op active. */
const MAX_SIGNATURE = 1024;
const MAX_WRAPPED = 16384;

interface KeyMeta {
  type: "RSA" | "EC";
  bits: number;
  curve?: Curve;
}

function attr(values: pk.TemplateResult, type: number): Buffer {
  return values.find((a) => a.type === type)?.value ?? Buffer.alloc(0);
}
const bool = (b: Buffer) => b.length > 0 && b[0] !== 0;

function notFound(t: TokenState, idHex: string): AppError {
  return new AppError(
    "HSM_OBJECT_NOT_FOUND",
    `No key with id ${idHex} exists in HSM partition "${t.ref.label}".`,
    {
      details: { idHex },
    },
  );
}

export class KeyOps {
  constructor(private readonly host: ModuleHost) {}

  private get p(): pk.PKCS11 {
    return this.host.pkcs11;
  }

  /** One tracked call on a logged-in pooled session of the token. */
  private run<T>(ref: TokenRef, fn: (t: TokenState, s: Handle) => Promise<T> | T, login = true): Promise<T> {
    return this.host.call(() => {
      const t = this.host.token(ref);
      return t.withSession(login, (s) => fn(t, s));
    });
  }

  /** Private (or public) key handle by CKA_ID, cached per token. */
  private keyHandle(t: TokenState, s: Handle, cls: number, idHex: string): { handle: Handle; meta: KeyMeta } {
    const cacheKey = `${cls}:${idHex}`;
    const cached = t.handles.get(cacheKey);
    if (cached) return cached as { handle: Handle; meta: KeyMeta };
    const [handle] = t.find(s, findTemplate(cls, hexToBuffer(idHex)), 1);
    if (!handle) throw notFound(t, idHex);
    const meta = this.meta(s, handle);
    const entry = { handle, meta };
    t.handles.set(cacheKey, entry);
    return entry;
  }

  private meta(s: Handle, h: Handle): KeyMeta {
    const [kt] = this.p.C_GetAttributeValue(s, h, [{ type: pk.CKA_KEY_TYPE }]);
    const keyType = kt?.value.readUInt32LE(0);
    if (keyType === pk.CKK_RSA) {
      const [m] = this.p.C_GetAttributeValue(s, h, [{ type: pk.CKA_MODULUS }]);
      return { type: "RSA", bits: (m?.value.length ?? 0) * 8 };
    }
    if (keyType === pk.CKK_EC) {
      const [params] = this.p.C_GetAttributeValue(s, h, [{ type: pk.CKA_EC_PARAMS }]);
      const curve = params ? curveFromParams(params.value) : undefined;
      return { type: "EC", bits: curve ? CURVES[curve].bits : 0, ...(curve ? { curve } : {}) };
    }
    throw new AppError(
      "HSM_KEY_POLICY",
      "The object is not an RSA or EC key, which the console does not handle.",
    );
  }

  private keyInfo(t: TokenState, s: Handle, h: Handle): KeyInfo {
    const a = this.p.C_GetAttributeValue(s, h, keyInfoAttributes());
    const meta = this.meta(s, h);
    const id = attr(a, pk.CKA_ID);
    const label = attr(a, pk.CKA_LABEL).toString("utf8");
    const local = bool(attr(a, pk.CKA_LOCAL));
    const hasPublicKey = t.find(s, findTemplate(pk.CKO_PUBLIC_KEY, id), 1).length > 0;
    return {
      idHex: id.toString("hex"),
      label,
      type: meta.type,
      bits: meta.bits,
      ...(meta.curve ? { curve: meta.curve } : {}),
      local,
      origin: local ? "generated" : "imported",
      sensitive: bool(attr(a, pk.CKA_SENSITIVE)),
      extractable: bool(attr(a, pk.CKA_EXTRACTABLE)),
      alwaysSensitive: bool(attr(a, pk.CKA_ALWAYS_SENSITIVE)),
      neverExtractable: bool(attr(a, pk.CKA_NEVER_EXTRACTABLE)),
      wrapWithTrusted: bool(attr(a, pk.CKA_WRAP_WITH_TRUSTED)),
      hasPublicKey,
      uri: pkcs11Uri({ token: t.ref.label, idHex: id.toString("hex"), object: label, type: "private" }),
    };
  }

  /** Reads back the policy attributes; on any mismatch destroys the objects and refuses. */
  private enforcePolicy(t: TokenState, s: Handle, priv: Handle, others: Handle[], replicable: boolean): void {
    const expected = expectedPolicy(replicable);
    const got = this.p.C_GetAttributeValue(
      s,
      priv,
      expected.map((e) => ({ type: e.type })),
    );
    const wrong = expected.filter((e) => bool(attr(got, e.type)) !== e.value).map((e) => e.name);
    if (wrong.length === 0) return;
    for (const h of [priv, ...others]) {
      try {
        this.p.C_DestroyObject(s, h);
      } catch {
        // best effort; reported below
      }
    }
    throw new AppError(
      "HSM_KEY_POLICY",
      `HSM partition "${t.ref.label}" did not honour the key policy (${wrong.join(", ")}); the key was destroyed. Check the partition's policy settings.`,
      { details: { attributes: wrong } },
    );
  }

  private assertIdFree(t: TokenState, s: Handle, id: Buffer): void {
    if (t.find(s, findTemplate(pk.CKO_PRIVATE_KEY, id), 1).length > 0) {
      throw new AppError(
        "CONFLICT",
        `A key with id ${id.toString("hex")} already exists in "${t.ref.label}".`,
      );
    }
  }

  generateKeyPair(input: GenerateKeyPairInput): Promise<KeyInfo> {
    return this.run(input.token, async (t, s) => {
      const id = hexToBuffer(input.idHex);
      this.assertIdFree(t, s, id);
      const tpl = keyPairTemplates(input.spec, id, input.label, input.replicable === true);
      const pair = await this.p.C_GenerateKeyPairAsync(
        s,
        tpl.mechanism,
        tpl.publicTemplate,
        tpl.privateTemplate,
      );
      this.enforcePolicy(t, s, pair.privateKey, [pair.publicKey], input.replicable === true);
      return this.keyInfo(t, s, pair.privateKey);
    });
  }

  importPrivateKey(input: ImportPrivateKeyInput): Promise<KeyInfo> {
    return this.run(input.token, async (t, s) => {
      const id = hexToBuffer(input.idHex);
      this.assertIdFree(t, s, id);
      let jwk: Record<string, string | undefined>;
      try {
        jwk = createPrivateKey({ key: Buffer.from(input.pkcs8), format: "der", type: "pkcs8" }).export({
          format: "jwk",
        }) as Record<string, string | undefined>;
      } catch {
        throw new AppError(
          "VALIDATION",
          "The private key is not a readable unencrypted PKCS#8 RSA or EC key.",
          {
            field: "key",
          },
        );
      }
      const b = (k: string) => Buffer.from(jwk[k] ?? "", "base64url");
      let keyType: "RSA" | "EC";
      let material: pk.Template;
      let publicTpl: pk.Template;
      if (jwk.kty === "RSA") {
        keyType = "RSA";
        const c = {
          n: b("n"),
          e: b("e"),
          d: b("d"),
          p: b("p"),
          q: b("q"),
          dp: b("dp"),
          dq: b("dq"),
          qi: b("qi"),
        };
        material = rsaPrivateMaterial(c);
        publicTpl = rsaPublicTemplate(id, input.label, c.n, c.e);
      } else if (jwk.kty === "EC" && (jwk.crv === "P-256" || jwk.crv === "P-384" || jwk.crv === "P-521")) {
        keyType = "EC";
        const curve = CURVES[jwk.crv];
        material = ecPrivateMaterial(curve.oidDer, b("d"));
        const point = Buffer.concat([Buffer.from([4]), b("x"), b("y")]);
        publicTpl = ecPublicTemplate(id, input.label, curve.oidDer, point);
      } else {
        throw new AppError(
          "VALIDATION",
          "Only RSA and EC (P-256, P-384, P-521) private keys can be imported.",
          {
            field: "key",
          },
        );
      }
      let priv: Handle | undefined;
      if (!input.forceUnwrap) {
        try {
          priv = this.p.C_CreateObject(s, [
            ...importedPrivateTemplate(keyType, id, input.label),
            ...material,
          ]);
        } catch (error) {
          // Tokens that refuse plain private-key import get the key by unwrap below.
          if (
            ![
              "CKR_TEMPLATE_INCONSISTENT",
              "CKR_ACTION_PROHIBITED",
              "CKR_ATTRIBUTE_VALUE_INVALID",
              "CKR_FUNCTION_FAILED",
            ].some((n) => isCkr(error, n))
          ) {
            throw toAppError(error, "Import");
          }
        }
      }
      material.length = 0;
      if (!priv) priv = await this.unwrapImport(s, Buffer.from(input.pkcs8), keyType, id, input.label);
      const pub = this.p.C_CreateObject(s, publicTpl);
      this.enforcePolicy(t, s, priv, [pub], false);
      return this.keyInfo(t, s, priv);
    });
  }

  /** PKCS#8 wrapped (AES-KWP) under a one-time session AES key, then C_UnwrapKey into the token. */
  private async unwrapImport(
    s: Handle,
    pkcs8: Buffer,
    keyType: "RSA" | "EC",
    id: Buffer,
    label: string,
  ): Promise<Handle> {
    const kek = randomBytes(32);
    const cipher = createCipheriv("id-aes256-wrap-pad", kek, Buffer.from("a65959a6", "hex"));
    const wrapped = Buffer.concat([cipher.update(pkcs8), cipher.final()]);
    const kekHandle = this.p.C_CreateObject(s, sessionUnwrapKeyTemplate(kek));
    kek.fill(0);
    pkcs8.fill(0);
    try {
      return await this.p.C_UnwrapKeyAsync(
        s,
        { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
        kekHandle,
        wrapped,
        unwrappedPrivateTemplate(keyType, id, label),
      );
    } finally {
      this.p.C_DestroyObject(s, kekHandle);
    }
  }

  findKeys(input: { token: TokenRef; idHex?: string; label?: string }): Promise<KeyInfo[]> {
    return this.run(input.token, (t, s) => {
      const handles = t.find(
        s,
        findTemplate(pk.CKO_PRIVATE_KEY, input.idHex ? hexToBuffer(input.idHex) : undefined, input.label),
        1000,
      );
      return handles.map((h) => this.keyInfo(t, s, h));
    });
  }

  getPublicKey(input: { token: TokenRef; idHex: string }): Promise<Uint8Array> {
    return this.run(input.token, (t, s) => this.spki(t, s, input.idHex));
  }

  private spki(t: TokenState, s: Handle, idHex: string): Buffer {
    const id = hexToBuffer(idHex);
    const [pub] = t.find(s, findTemplate(pk.CKO_PUBLIC_KEY, id), 1);
    const [priv] = pub ? [undefined] : t.find(s, findTemplate(pk.CKO_PRIVATE_KEY, id), 1);
    const h = pub ?? priv;
    if (!h) throw notFound(t, idHex);
    const meta = this.meta(s, h);
    if (meta.type === "RSA") {
      const a = this.p.C_GetAttributeValue(s, h, [
        { type: pk.CKA_MODULUS },
        { type: pk.CKA_PUBLIC_EXPONENT },
      ]);
      return rsaSpki(attr(a, pk.CKA_MODULUS), attr(a, pk.CKA_PUBLIC_EXPONENT));
    }
    if (!pub || !meta.curve) {
      throw new AppError(
        "HSM_OBJECT_NOT_FOUND",
        `The public key of ${idHex} is missing in "${t.ref.label}".`,
      );
    }
    const [point] = this.p.C_GetAttributeValue(s, pub, [{ type: pk.CKA_EC_POINT }]);
    return ecSpki(meta.curve, ecPointFromAttribute(point?.value ?? Buffer.alloc(0)));
  }

  destroyKey(input: { token: TokenRef; idHex: string }): Promise<{ destroyed: number }> {
    return this.run(input.token, (t, s) => {
      const id = hexToBuffer(input.idHex);
      let destroyed = 0;
      for (const cls of [pk.CKO_PRIVATE_KEY, pk.CKO_PUBLIC_KEY, pk.CKO_CERTIFICATE]) {
        for (const h of t.find(s, findTemplate(cls, id), 100)) {
          this.p.C_DestroyObject(s, h);
          destroyed++;
        }
        t.handles.delete(`${cls}:${input.idHex}`);
      }
      return { destroyed };
    });
  }

  private mechanism(
    input: { algorithm: SignInput["algorithm"]; hash: HashAlgorithm },
    meta: KeyMeta,
  ): pk.Mechanism {
    const hashMech = { "SHA-256": pk.CKM_SHA256, "SHA-384": pk.CKM_SHA384, "SHA-512": pk.CKM_SHA512 }[
      input.hash
    ];
    if (input.algorithm === "ECDSA") {
      if (meta.type !== "EC") throw new AppError("VALIDATION", "ECDSA needs an EC key.");
      return { mechanism: pk.CKM_ECDSA };
    }
    if (meta.type !== "RSA") throw new AppError("VALIDATION", `${input.algorithm} needs an RSA key.`);
    if (input.algorithm === "RSASSA-PKCS1-v1_5") {
      return {
        mechanism: {
          "SHA-256": pk.CKM_SHA256_RSA_PKCS,
          "SHA-384": pk.CKM_SHA384_RSA_PKCS,
          "SHA-512": pk.CKM_SHA512_RSA_PKCS,
        }[input.hash],
      };
    }
    const mgf = {
      "SHA-256": pk.CKG_MGF1_SHA256,
      "SHA-384": pk.CKG_MGF1_SHA384,
      "SHA-512": pk.CKG_MGF1_SHA512,
    }[input.hash];
    const saltLen = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 }[input.hash];
    return {
      mechanism: {
        "SHA-256": pk.CKM_SHA256_RSA_PKCS_PSS,
        "SHA-384": pk.CKM_SHA384_RSA_PKCS_PSS,
        "SHA-512": pk.CKM_SHA512_RSA_PKCS_PSS,
      }[input.hash],
      parameter: { type: pk.CK_PARAMS_RSA_PSS, hashAlg: hashMech, mgf, saltLen } as pk.RsaPSS,
    };
  }

  /** RSA PKCS#1 v1.5 / PSS over the data; ECDSA over the hash of the data, returned DER-encoded. */
  sign(input: SignInput): Promise<Uint8Array> {
    return this.run(input.token, async (t, s) => {
      const { handle, meta } = this.keyHandle(t, s, pk.CKO_PRIVATE_KEY, input.idHex);
      const mech = this.mechanism(input, meta);
      const data =
        input.algorithm === "ECDSA"
          ? createHash(nodeHashName(input.hash)).update(input.data).digest()
          : Buffer.from(input.data);
      const out = Buffer.alloc(MAX_SIGNATURE);
      this.p.C_SignInit(s, mech, handle);
      const sig = await this.p.C_SignAsync(s, data, out);
      return input.algorithm === "ECDSA" ? ecdsaRawToDer(sig) : Buffer.from(sig);
    });
  }

  /** Verifies with the token's public key object. Returns false for a wrong signature. */
  verify(input: VerifyInput): Promise<boolean> {
    return this.run(input.token, async (t, s) => {
      const { handle, meta } = this.keyHandle(t, s, pk.CKO_PUBLIC_KEY, input.idHex);
      const mech = this.mechanism(input, meta);
      let data: Buffer = Buffer.from(input.data);
      let signature: Buffer = Buffer.from(input.signature);
      if (input.algorithm === "ECDSA") {
        data = createHash(nodeHashName(input.hash)).update(data).digest();
        try {
          signature = ecdsaDerToRaw(signature, Math.ceil(meta.bits / 8));
        } catch {
          return false;
        }
      }
      this.p.C_VerifyInit(s, mech, handle);
      try {
        return await this.p.C_VerifyAsync(s, data, signature);
      } catch (error) {
        if (isCkr(error, "CKR_SIGNATURE_INVALID") || isCkr(error, "CKR_SIGNATURE_LEN_RANGE")) return false;
        throw error;
      }
    });
  }

  // ---- HA replication by wrap/unwrap under the group's cloning-domain (trusted) key ----

  private cloningKey(t: TokenState, s: Handle, label: string): Handle {
    const [h] = t.find(
      s,
      [
        { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
        { type: pk.CKA_LABEL, value: label },
        { type: pk.CKA_TRUSTED, value: true },
      ],
      1,
    );
    if (!h) {
      throw new AppError(
        "HSM_OBJECT_NOT_FOUND",
        `The cloning-domain key "${label}" is not installed in "${t.ref.label}". The security officer must install it before keys can be replicated.`,
      );
    }
    return h;
  }

  hasCloningKey(input: { token: TokenRef; cloningKeyLabel: string }): Promise<boolean> {
    return this.run(input.token, (t, s) => {
      try {
        this.cloningKey(t, s, input.cloningKeyLabel);
        return true;
      } catch {
        return false;
      }
    });
  }

  exportReplica(input: { token: TokenRef; idHex: string; cloningKeyLabel: string }): Promise<ReplicaBlob> {
    return this.run(input.token, async (t, s) => {
      const { handle, meta } = this.keyHandle(t, s, pk.CKO_PRIVATE_KEY, input.idHex);
      const kek = this.cloningKey(t, s, input.cloningKeyLabel);
      const label = attr(
        this.p.C_GetAttributeValue(s, handle, [{ type: pk.CKA_LABEL }]),
        pk.CKA_LABEL,
      ).toString();
      const wrapped = await this.p.C_WrapKeyAsync(
        s,
        { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
        kek,
        handle,
        Buffer.alloc(MAX_WRAPPED),
      );
      return {
        idHex: input.idHex,
        label,
        type: meta.type,
        wrapped: Buffer.from(wrapped),
        spki: this.spki(t, s, input.idHex),
        mechanism: "AES_KEY_WRAP_PAD",
      };
    });
  }

  importReplica(input: { token: TokenRef; blob: ReplicaBlob; cloningKeyLabel: string }): Promise<KeyInfo> {
    return this.run(input.token, async (t, s) => {
      const { blob } = input;
      const id = hexToBuffer(blob.idHex);
      this.assertIdFree(t, s, id);
      const kek = this.cloningKey(t, s, input.cloningKeyLabel);
      const priv = await this.p.C_UnwrapKeyAsync(
        s,
        { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
        kek,
        Buffer.from(blob.wrapped),
        unwrappedPrivateTemplate(blob.type, id, blob.label),
      );
      const pub = this.p.C_CreateObject(s, publicTemplateFromSpki(id, blob.label, Buffer.from(blob.spki)));
      this.enforcePolicy(t, s, priv, [pub], false);
      return this.keyInfo(t, s, priv);
    });
  }

  /** SO ceremony (SoftHSM tests, lab): installs the cloning-domain key. Never automated on real HSMs. */
  installCloningKey(input: {
    token: TokenRef;
    soPin: string;
    label: string;
    value: Uint8Array;
  }): Promise<undefined> {
    return this.host.call(() => {
      const t = this.host.token(input.token);
      return t.withSoSession(input.soPin, (s) => {
        this.p.C_CreateObject(
          s,
          cloningKeyTemplate(Buffer.from(input.label), input.label, Buffer.from(input.value)),
        );
        return undefined;
      });
    });
  }

  /** Test hook for the key-policy tests: tries to read/modify/wrap and reports the CKR names. */
  probePolicy(input: { token: TokenRef; idHex: string }): Promise<Record<string, string>> {
    return this.run(input.token, async (t, s) => {
      const { handle, meta } = this.keyHandle(t, s, pk.CKO_PRIVATE_KEY, input.idHex);
      const outcome = async (f: () => unknown): Promise<string> => {
        try {
          await f();
          return "CKR_OK";
        } catch (error) {
          return toAppError(error).details?.ckr?.toString() ?? String(error);
        }
      };
      const secret = meta.type === "RSA" ? pk.CKA_PRIVATE_EXPONENT : pk.CKA_VALUE;
      const aes = this.p.C_CreateObject(s, [
        { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
        { type: pk.CKA_KEY_TYPE, value: pk.CKK_AES },
        { type: pk.CKA_TOKEN, value: false },
        { type: pk.CKA_WRAP, value: true },
        { type: pk.CKA_VALUE, value: randomBytes(32) },
      ]);
      try {
        return {
          readSecret: await outcome(() => this.p.C_GetAttributeValue(s, handle, [{ type: secret }])),
          setSensitiveFalse: await outcome(() =>
            this.p.C_SetAttributeValue(s, handle, [{ type: pk.CKA_SENSITIVE, value: false }]),
          ),
          setExtractableTrue: await outcome(() =>
            this.p.C_SetAttributeValue(s, handle, [{ type: pk.CKA_EXTRACTABLE, value: true }]),
          ),
          wrap: await outcome(() =>
            this.p.C_WrapKeyAsync(
              s,
              { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
              aes,
              handle,
              Buffer.alloc(MAX_WRAPPED),
            ),
          ),
        };
      } finally {
        this.p.C_DestroyObject(s, aes);
      }
    });
  }
}

function publicTemplateFromSpki(id: Buffer, label: string, spki: Buffer): pk.Template {
  const jwk = createPublicKey({ key: spki, format: "der", type: "spki" }).export({ format: "jwk" }) as Record<
    string,
    string | undefined
  >;
  const b = (k: string) => Buffer.from(jwk[k] ?? "", "base64url");
  if (jwk.kty === "RSA") return rsaPublicTemplate(id, label, b("n"), b("e"));
  const curve = CURVES[(jwk.crv ?? "P-256") as Curve];
  return ecPublicTemplate(id, label, curve.oidDer, Buffer.concat([Buffer.from([4]), b("x"), b("y")]));
}
