import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { CURVES, curveFromParams, ecPointFromAttribute, ecSpki, hexToBuffer, rsaSpki } from "../formats";
import type { Curve, KeyInfo, TokenRef } from "../types";
import { pkcs11Uri } from "../uri";
import type { ModuleHost } from "./module";
import { expectedPolicy, findTemplate, keyInfoAttributes } from "./templates";
import type { TokenState } from "./token";

type Handle = Buffer;
/** Large enough for any signature (RSA-8192 = 1024 bytes): CKR_BUFFER_TOO_SMALL would leave the op active. */
export const MAX_SIGNATURE = 1024;
export const MAX_WRAPPED = 16384;

export interface KeyMeta {
  type: "RSA" | "EC";
  bits: number;
  curve?: Curve;
}

export function attr(values: pk.TemplateResult, type: number): Buffer {
  return values.find((a) => a.type === type)?.value ?? Buffer.alloc(0);
}
export const bool = (b: Buffer) => b.length > 0 && b[0] !== 0;

export function notFound(t: TokenState, idHex: string): AppError {
  return new AppError(
    "HSM_OBJECT_NOT_FOUND",
    `No key with id ${idHex} exists in HSM partition "${t.ref.label}".`,
    {
      details: { idHex },
    },
  );
}

/** Shared object helpers of the worker-side key operations (handles never leave these classes). */
export class KeyObjects {
  constructor(protected readonly host: ModuleHost) {}

  protected get p(): pk.PKCS11 {
    return this.host.pkcs11;
  }

  /** One tracked call on a logged-in pooled session of the token. */
  protected run<T>(
    ref: TokenRef,
    fn: (t: TokenState, s: Handle) => Promise<T> | T,
    login = true,
  ): Promise<T> {
    return this.host.call(() => {
      const t = this.host.token(ref);
      return t.withSession(login, (s) => fn(t, s));
    });
  }

  /** Private (or public) key handle by CKA_ID, cached per token. */
  protected keyHandle(
    t: TokenState,
    s: Handle,
    cls: number,
    idHex: string,
  ): { handle: Handle; meta: KeyMeta } {
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

  protected meta(s: Handle, h: Handle): KeyMeta {
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

  protected keyInfo(t: TokenState, s: Handle, h: Handle): KeyInfo {
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
  protected enforcePolicy(
    t: TokenState,
    s: Handle,
    priv: Handle,
    others: Handle[],
    replicable: boolean,
  ): void {
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

  protected assertIdFree(t: TokenState, s: Handle, id: Buffer): void {
    if (t.find(s, findTemplate(pk.CKO_PRIVATE_KEY, id), 1).length > 0) {
      throw new AppError(
        "CONFLICT",
        `A key with id ${id.toString("hex")} already exists in "${t.ref.label}".`,
      );
    }
  }

  protected spki(t: TokenState, s: Handle, idHex: string): Buffer {
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
}
