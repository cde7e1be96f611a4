/** HA replication inside the worker. */
import { createPublicKey, randomBytes } from "node:crypto";
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { toAppError } from "../errors";
import { CURVES, hexToBuffer } from "../formats";
import type { Curve, KeyInfo, ReplicaBlob, TokenRef } from "../types";
import {
  custodyProbeTemplates,
  ecPublicTemplate,
  nonSensitiveUnwrap,
  rsaPublicTemplate,
  unwrappedPrivateTemplate,
} from "./templates";
import type { TokenState } from "./token";

type Handle = Buffer;

import { attr, KeyObjects, MAX_WRAPPED } from "./object";
import { reachTestPoint } from "./test-points";

/** HA replication by wrap/unwrap under the cloning-domain key, the SO ceremony, policy probes. */
export class ReplicationOps extends KeyObjects {
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
      await reachTestPoint("importReplica:before");
      const priv = await this.p.C_UnwrapKeyAsync(
        s,
        { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
        kek,
        Buffer.from(blob.wrapped),
        unwrappedPrivateTemplate(blob.type, id, blob.label),
      );
      await reachTestPoint("importReplica:private-only");
      const pub = this.p.C_CreateObject(s, publicTemplateFromSpki(id, blob.label, Buffer.from(blob.spki)));
      await reachTestPoint("importReplica:after");
      this.enforcePolicy(t, s, priv, [pub], false);
      return this.keyInfo(t, s, priv);
    });
  }

  /**
   * Measures the custody control on this member: a throwaway session key pair, extractable under
   * a trusted key only, is wrapped under the domain key and unwrapped as a NON-sensitive session
   * object. A token that enforces the domain key's CKA_UNWRAP_TEMPLATE refuses; one that does
   * not (or a domain key made without the template) hands out plaintext-readable keys: cloneable.
   */
  probeCustody(input: {
    token: TokenRef;
    cloningKeyLabel: string;
  }): Promise<{ unwrapTemplateEnforced: boolean }> {
    return this.run(input.token, async (t, s) => {
      const kek = this.cloningKey(t, s, input.cloningKeyLabel);
      const pair = this.p.C_GenerateKeyPair(
        s,
        { mechanism: pk.CKM_EC_KEY_PAIR_GEN },
        ...custodyProbeTemplates(),
      );
      const made: Handle[] = [pair.publicKey, pair.privateKey];
      try {
        const wrapped = this.p.C_WrapKey(
          s,
          { mechanism: pk.CKM_AES_KEY_WRAP_PAD },
          kek,
          pair.privateKey,
          Buffer.alloc(MAX_WRAPPED),
        );
        try {
          made.push(
            this.p.C_UnwrapKey(s, { mechanism: pk.CKM_AES_KEY_WRAP_PAD }, kek, wrapped, nonSensitiveUnwrap()),
          );
          return { unwrapTemplateEnforced: false };
        } catch {
          return { unwrapTemplateEnforced: true };
        }
      } finally {
        for (const h of made) this.p.C_DestroyObject(s, h);
      }
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
