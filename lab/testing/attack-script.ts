import { randomBytes } from "node:crypto";
import * as pk from "pkcs11js";

/**
 * The extraction-attack suite's attacker: a partition user with only the partition password,
 * running ONE attack with any PKCS#11 call it likes, in its own process (its own login, like a
 * second application on the token). Never part of the console.
 *   SOFTHSM2_CONF=… node --import tsx lab/testing/attack-script.ts '<json>'
 * Prints one JSON line: {"outcome":"refused","ckr":"CKR_…","step":"…"} or
 * {"outcome":"leaked","what":"…"} (lengths only; never key material).
 */
export type Attack =
  | "domain-wrap-unwrap-nonsensitive"
  | "domain-wrap-unwrap-extractable"
  | "domain-wrap-decrypt-blob"
  | "wrap-under-user-aes"
  | "wrap-under-user-rsa"
  | "copy-drop-sensitive"
  | "copy-set-extractable"
  | "set-sensitive-false"
  | "set-extractable-true"
  | "domain-copy-drop-sensitive"
  | "domain-copy-set-extractable"
  | "domain-set-sensitive-false"
  | "domain-set-extractable-true"
  | "read-private-value"
  | "read-domain-value";

export interface AttackRequest {
  attack: Attack;
  module: string;
  token: string;
  pin: string;
  idHex: string;
  domainLabel: string;
}

export type AttackResult =
  | { outcome: "refused"; ckr: string; step: string }
  | { outcome: "leaked"; what: string };

class Refused extends Error {
  constructor(
    readonly step: string,
    readonly ckr: string,
  ) {
    super(`${step}: ${ckr}`);
  }
}

const KWP = { mechanism: pk.CKM_AES_KEY_WRAP_PAD };
const OUT = () => Buffer.alloc(16_384);

function step<T>(name: string, fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    const m = /CKR_[A-Z_]+(?::\d+)?/.exec((error as Error).message);
    throw new Refused(name, m?.[0] ?? (error as Error).message);
  }
}

function find(p: pk.PKCS11, s: Buffer, template: pk.Template, what: string): Buffer {
  p.C_FindObjectsInit(s, template);
  const [h] = p.C_FindObjects(s, 1);
  p.C_FindObjectsFinal(s);
  if (!h) throw new Refused(`find ${what}`, "NOT_VISIBLE_TO_PARTITION_USER");
  return h;
}

function isRsa(p: pk.PKCS11, s: Buffer, key: Buffer): boolean {
  const [a] = p.C_GetAttributeValue(s, key, [{ type: pk.CKA_KEY_TYPE }]);
  return Buffer.isBuffer(a?.value) && Number(a.value.readBigUInt64LE()) === pk.CKK_RSA;
}

/** Reads the secret part of a private key: success means plaintext in the attacker's hands. */
function readSecret(p: pk.PKCS11, s: Buffer, key: Buffer, what: string): AttackResult {
  const type = isRsa(p, s, key) ? pk.CKA_PRIVATE_EXPONENT : pk.CKA_VALUE;
  const [a] = step(`read ${what}`, () => p.C_GetAttributeValue(s, key, [{ type }]));
  return { outcome: "leaked", what: `${what}: ${len(a?.value)} secret bytes read` };
}

function len(value: unknown): number {
  return Buffer.isBuffer(value) ? value.length : 0;
}

function userAesKey(p: pk.PKCS11, s: Buffer): Buffer {
  return p.C_CreateObject(s, [
    { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
    { type: pk.CKA_KEY_TYPE, value: pk.CKK_AES },
    { type: pk.CKA_TOKEN, value: false },
    { type: pk.CKA_WRAP, value: true },
    { type: pk.CKA_UNWRAP, value: true },
    { type: pk.CKA_VALUE, value: randomBytes(32) },
  ]);
}

function unwrapSession(key: "EC" | "RSA", extra: pk.Template): pk.Template {
  return [
    { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
    { type: pk.CKA_KEY_TYPE, value: key === "RSA" ? pk.CKK_RSA : pk.CKK_EC },
    { type: pk.CKA_TOKEN, value: false },
    ...extra,
  ];
}

function attack(p: pk.PKCS11, s: Buffer, req: AttackRequest): AttackResult {
  const domain = () =>
    find(
      p,
      s,
      [
        { type: pk.CKA_CLASS, value: pk.CKO_SECRET_KEY },
        { type: pk.CKA_LABEL, value: req.domainLabel },
      ],
      "domain key",
    );
  const key = () =>
    find(
      p,
      s,
      [
        { type: pk.CKA_CLASS, value: pk.CKO_PRIVATE_KEY },
        { type: pk.CKA_ID, value: Buffer.from(req.idHex, "hex") },
      ],
      "private key",
    );
  const kind = () => (isRsa(p, s, key()) ? "RSA" : "EC");
  const wrapUnderDomain = () =>
    step("C_WrapKey under the domain key", () => p.C_WrapKey(s, KWP, domain(), key(), OUT()));
  const flags = (h: Buffer, template: pk.Template, name: string) =>
    step(name, () => p.C_SetAttributeValue(s, h, template));
  const copy = (h: Buffer, template: pk.Template, name: string) =>
    step(name, () => p.C_CopyObject(s, h, [{ type: pk.CKA_TOKEN, value: false }, ...template]));
  // "Extractable" is harmless while only a trusted key may wrap it: follow through — clear
  // CKA_WRAP_WITH_TRUSTED if the token lets us, then wrap under the attacker's own key.
  const exportUnderOwnKey = (h: Buffer, what: string): AttackResult => {
    try {
      p.C_SetAttributeValue(s, h, [{ type: pk.CKA_WRAP_WITH_TRUSTED, value: false }]);
    } catch {
      // refused: the wrap below shows whether it mattered
    }
    const out = step(`C_WrapKey of ${what} under the attacker's key`, () =>
      p.C_WrapKey(s, KWP, userAesKey(p, s), h, OUT()),
    );
    return { outcome: "leaked", what: `${what}, wrapped under the attacker's key (${out.length} bytes)` };
  };
  switch (req.attack) {
    case "domain-wrap-unwrap-nonsensitive": {
      const blob = wrapUnderDomain();
      // SoftHSM shows a secret attribute only when the key is non-sensitive AND extractable.
      const t = unwrapSession(kind(), [
        { type: pk.CKA_SENSITIVE, value: false },
        { type: pk.CKA_EXTRACTABLE, value: true },
      ]);
      const copyKey = step("C_UnwrapKey as non-sensitive", () => p.C_UnwrapKey(s, KWP, domain(), blob, t));
      return readSecret(p, s, copyKey, "unwrapped non-sensitive copy");
    }
    case "domain-wrap-unwrap-extractable": {
      const blob = wrapUnderDomain();
      const t = unwrapSession(kind(), [
        { type: pk.CKA_SENSITIVE, value: true },
        { type: pk.CKA_EXTRACTABLE, value: true },
      ]);
      const h = step("C_UnwrapKey as extractable", () => p.C_UnwrapKey(s, KWP, domain(), blob, t));
      const mine = userAesKey(p, s);
      const out = step("C_WrapKey of the copy under a user key", () => p.C_WrapKey(s, KWP, mine, h, OUT()));
      return {
        outcome: "leaked",
        what: `extractable copy wrapped under the attacker's key (${out.length} bytes)`,
      };
    }
    case "domain-wrap-decrypt-blob": {
      const blob = wrapUnderDomain();
      const clear = step("C_Decrypt of the blob with the domain key", () => {
        p.C_DecryptInit(s, { mechanism: pk.CKM_AES_ECB }, domain());
        return p.C_Decrypt(s, blob.subarray(0, 16 * Math.floor(blob.length / 16)), OUT());
      });
      return { outcome: "leaked", what: `decrypted ${clear.length} bytes of the wrapped key` };
    }
    case "wrap-under-user-aes": {
      const out = step("C_WrapKey under a user AES key", () =>
        p.C_WrapKey(s, KWP, userAesKey(p, s), key(), OUT()),
      );
      return { outcome: "leaked", what: `wrapped under the attacker's AES key (${out.length} bytes)` };
    }
    case "wrap-under-user-rsa": {
      const pair = p.C_GenerateKeyPair(
        s,
        { mechanism: pk.CKM_RSA_PKCS_KEY_PAIR_GEN },
        [
          { type: pk.CKA_TOKEN, value: false },
          { type: pk.CKA_WRAP, value: true },
          { type: pk.CKA_MODULUS_BITS, value: 2048 },
          { type: pk.CKA_PUBLIC_EXPONENT, value: Buffer.from([1, 0, 1]) },
        ],
        [
          { type: pk.CKA_TOKEN, value: false },
          { type: pk.CKA_UNWRAP, value: true },
        ],
      );
      const out = step("C_WrapKey under a user RSA key", () =>
        p.C_WrapKey(s, { mechanism: pk.CKM_RSA_PKCS_OAEP, parameter: oaep() }, pair.publicKey, key(), OUT()),
      );
      return { outcome: "leaked", what: `wrapped under the attacker's RSA key (${out.length} bytes)` };
    }
    case "copy-drop-sensitive":
      return readSecret(
        p,
        s,
        copy(key(), [{ type: pk.CKA_SENSITIVE, value: false }], "C_CopyObject SENSITIVE false"),
        "copy",
      );
    case "copy-set-extractable": {
      const h = copy(key(), [{ type: pk.CKA_EXTRACTABLE, value: true }], "C_CopyObject EXTRACTABLE true");
      return exportUnderOwnKey(h, "an extractable copy of the key");
    }
    case "set-sensitive-false":
      flags(key(), [{ type: pk.CKA_SENSITIVE, value: false }], "C_SetAttributeValue SENSITIVE false");
      return readSecret(p, s, key(), "key made non-sensitive");
    case "set-extractable-true":
      flags(key(), [{ type: pk.CKA_EXTRACTABLE, value: true }], "C_SetAttributeValue EXTRACTABLE true");
      return exportUnderOwnKey(key(), "the key made extractable");
    case "domain-copy-drop-sensitive": {
      const h = copy(
        domain(),
        [{ type: pk.CKA_SENSITIVE, value: false }],
        "C_CopyObject of the domain key SENSITIVE false",
      );
      const [a] = step("read the copy's CKA_VALUE", () =>
        p.C_GetAttributeValue(s, h, [{ type: pk.CKA_VALUE }]),
      );
      return { outcome: "leaked", what: `domain key value (${len(a?.value)} bytes)` };
    }
    case "domain-copy-set-extractable": {
      const h = copy(
        domain(),
        [{ type: pk.CKA_EXTRACTABLE, value: true }],
        "C_CopyObject of the domain key EXTRACTABLE true",
      );
      return exportUnderOwnKey(h, "an extractable copy of the domain key");
    }
    case "domain-set-sensitive-false":
      flags(
        domain(),
        [{ type: pk.CKA_SENSITIVE, value: false }],
        "C_SetAttributeValue domain SENSITIVE false",
      );
      return { outcome: "leaked", what: "the domain key made non-sensitive" };
    case "domain-set-extractable-true":
      flags(
        domain(),
        [{ type: pk.CKA_EXTRACTABLE, value: true }],
        "C_SetAttributeValue domain EXTRACTABLE true",
      );
      return exportUnderOwnKey(domain(), "the domain key made extractable");
    case "read-private-value":
      return readSecret(p, s, key(), "the key itself");
    case "read-domain-value": {
      const [a] = step("read the domain key's CKA_VALUE", () =>
        p.C_GetAttributeValue(s, domain(), [{ type: pk.CKA_VALUE }]),
      );
      return { outcome: "leaked", what: `domain key value (${len(a?.value)} bytes)` };
    }
  }
}

function oaep(): pk.RsaOAEP {
  return { type: pk.CK_PARAMS_RSA_OAEP, hashAlg: pk.CKM_SHA_1, mgf: pk.CKG_MGF1_SHA1, source: 1 };
}

function main(): AttackResult {
  const req = JSON.parse(process.argv[2] ?? "{}") as AttackRequest;
  const p = new pk.PKCS11();
  p.load(req.module);
  p.C_Initialize({ flags: pk.CKF_OS_LOCKING_OK });
  try {
    const slot = p.C_GetSlotList(true).find((x) => p.C_GetTokenInfo(x).label.trim() === req.token);
    if (!slot) throw new Error(`token ${req.token} not visible`);
    const s = p.C_OpenSession(slot, pk.CKF_SERIAL_SESSION | pk.CKF_RW_SESSION);
    p.C_Login(s, pk.CKU_USER, req.pin);
    try {
      return attack(p, s, req);
    } catch (error) {
      if (error instanceof Refused) return { outcome: "refused", ckr: error.ckr, step: error.step };
      throw error;
    }
  } finally {
    p.C_Finalize();
  }
}

try {
  process.stdout.write(`${JSON.stringify(main())}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ error: (error as Error).message })}\n`);
  process.exitCode = 1;
}
