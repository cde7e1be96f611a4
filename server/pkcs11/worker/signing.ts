/** Signing inside the worker. */
import { createHash } from "node:crypto";
import * as pk from "pkcs11js";
import { AppError } from "../../../lib/errors";
import { isCkr } from "../errors";
import { ecdsaDerToRaw, ecdsaRawToDer, nodeHashName } from "../formats";
import type { HashAlgorithm, SignInput, VerifyInput } from "../types";

import { type KeyMeta, KeyObjects, MAX_SIGNATURE } from "./object";

/** Sign and verify (RSA PKCS#1 v1.5 / PSS, ECDSA with DER output). */
export class SignOps extends KeyObjects {
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
}
