/** Key pairs inside the worker: generate, import, find, public key, destroy. */
import { createCipheriv, createPrivateKey, randomBytes } from "node:crypto";
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { isCkr, toAppError } from "../errors";
import { CURVES, hexToBuffer } from "../formats";
import type { GenerateKeyPairInput, ImportPrivateKeyInput, KeyInfo, TokenRef } from "../types";
import {
  ecPrivateMaterial,
  ecPublicTemplate,
  findTemplate,
  importedPrivateTemplate,
  keyPairTemplates,
  rsaPrivateMaterial,
  rsaPublicTemplate,
  sessionUnwrapKeyTemplate,
  unwrappedPrivateTemplate,
} from "./templates";

type Handle = Buffer;

import { LISTED_CLASSES } from "./listing";
import { KeyObjects } from "./object";
import { isArmed, reachTestPoint } from "./test-points";

/** Key pairs: generate, import, find, public key, destroy. */
export class KeyOps extends KeyObjects {
  /**
   * SoftHSM2 now and then fails concurrent C_GenerateKeyPair calls on one token (CKR_GENERAL_ERROR
   * or CKR_TEMPLATE_INCONSISTENT from its object store; softhsm/SoftHSMv2#573), and the async call
   * runs on libuv's threads: generation is queued per token, before a session is taken. Signing
   * stays parallel; key generation is an administrator's action, rarely many at once.
   */
  readonly #generating = new Map<string, Promise<unknown>>();

  #oneAtATime<T>(token: TokenRef, work: () => Promise<T>): Promise<T> {
    const key = `${token.label}\u0000${token.serial ?? ""}`;
    const pending = this.#generating.get(key);
    // Nothing queued: start now, in this turn, exactly as an unqueued call would.
    const result = pending ? pending.then(work, work) : work();
    const settled = result.then(
      () => undefined,
      () => undefined,
    );
    this.#generating.set(key, settled);
    void settled.then(() => {
      if (this.#generating.get(key) === settled) this.#generating.delete(key);
    });
    return result;
  }

  generateKeyPair(input: GenerateKeyPairInput): Promise<KeyInfo> {
    return this.#oneAtATime(input.token, () => this.#generateKeyPair(input));
  }

  #generateKeyPair(input: GenerateKeyPairInput): Promise<KeyInfo> {
    return this.run(input.token, async (t, s) => {
      const id = hexToBuffer(input.idHex);
      this.assertIdFree(t, s, id);
      const tpl = keyPairTemplates(input.spec, id, input.label, input.replicable === true);
      await reachTestPoint("generateKeyPair:before");
      const pair = await this.p.C_GenerateKeyPairAsync(
        s,
        tpl.mechanism,
        tpl.publicTemplate,
        tpl.privateTemplate,
      );
      if (isArmed("generateKeyPair:public-only")) this.p.C_DestroyObject(s, pair.privateKey);
      await reachTestPoint("generateKeyPair:public-only");
      await reachTestPoint("generateKeyPair:after");
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
      const secrets: Buffer[] = [];
      const secret = (k: string) => {
        const v = b(k);
        secrets.push(v);
        return v;
      };
      let keyType: "RSA" | "EC";
      let material: pk.Template;
      let publicTpl: pk.Template;
      if (jwk.kty === "RSA") {
        keyType = "RSA";
        const c = {
          n: b("n"),
          e: b("e"),
          d: secret("d"),
          p: secret("p"),
          q: secret("q"),
          dp: secret("dp"),
          dq: secret("dq"),
          qi: secret("qi"),
        };
        material = rsaPrivateMaterial(c);
        publicTpl = rsaPublicTemplate(id, input.label, c.n, c.e);
      } else if (jwk.kty === "EC" && (jwk.crv === "P-256" || jwk.crv === "P-384" || jwk.crv === "P-521")) {
        keyType = "EC";
        const curve = CURVES[jwk.crv];
        material = ecPrivateMaterial(curve.oidDer, secret("d"));
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
      // Best effort: wipe the private components we copied (the JWK strings cannot be wiped).
      for (const v of secrets) v.fill(0);
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

  destroyKey(input: { token: TokenRef; idHex: string }): Promise<{ destroyed: number }> {
    return this.run(input.token, (t, s) => {
      const id = hexToBuffer(input.idHex);
      let destroyed = 0;
      // Every class the console may have made under this id: a crash can leave any one alone.
      for (const [cls] of LISTED_CLASSES) {
        for (const h of t.find(s, findTemplate(cls, id), 100)) {
          this.p.C_DestroyObject(s, h);
          destroyed++;
        }
        t.handles.delete(`${cls}:${input.idHex}`);
      }
      return { destroyed };
    });
  }
}
