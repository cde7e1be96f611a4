/** Typed operations over one connection (parent side). Every method returns plain data. */
import { createPublicKey, verify as nodeVerify, randomBytes } from "node:crypto";
import { AppError } from "../../lib/errors";
import type { CallOptions, HsmConnection } from "./connection";
import { nodeHashName, offeredKeySpecs } from "./formats";
import type {
  GenerateKeyPairInput,
  HashAlgorithm,
  ImportPrivateKeyInput,
  KeyInfo,
  KeySpec,
  LoginResult,
  MechanismSummary,
  SignAlgorithm,
  SignInput,
  SlotSummary,
  TokenHealth,
  TokenObject,
  TokenRef,
  VerifyInput,
  WorkerStats,
} from "./types";

/** Anything that can sign with a key identified by CKA_ID: one token, or an HA group. */
export interface KeySigner {
  getPublicKey(token: TokenRef, idHex: string): Promise<Buffer>;
  sign(input: SignInput): Promise<Buffer>;
}

export interface TestKeyResult {
  ok: boolean;
  algorithm: SignAlgorithm;
  hash: HashAlgorithm;
  signMs: number;
}

/** Key generation is slower than other calls (RSA-4096 up to seconds): it gets a longer timeout. */
const KEYGEN_TIMEOUT_FACTOR = 3;

export class Pkcs11Client implements KeySigner {
  constructor(readonly connection: HsmConnection) {}

  listSlots(): Promise<SlotSummary[]> {
    return this.connection.call("listSlots", {});
  }

  mechanisms(token: TokenRef): Promise<MechanismSummary[]> {
    return this.connection.call("mechanisms", { token });
  }

  /** RSA sizes and EC curves this token can generate (from its mechanisms and key-size ranges). */
  async keySpecs(token: TokenRef): Promise<KeySpec[]> {
    return offeredKeySpecs(await this.mechanisms(token));
  }

  /** The user action "log in": at most one C_Login; a wrong password is never retried. */
  login(token: TokenRef, pin: string): Promise<LoginResult> {
    return this.connection.call("login", { token, pin });
  }

  health(token: TokenRef, options?: CallOptions): Promise<TokenHealth> {
    return this.connection.call("health", { token }, options);
  }

  generateKeyPair(input: GenerateKeyPairInput): Promise<KeyInfo> {
    return this.connection.call("generateKeyPair", input, {
      timeoutMs: this.connection.timeoutMs * KEYGEN_TIMEOUT_FACTOR,
    });
  }

  importPrivateKey(input: ImportPrivateKeyInput): Promise<KeyInfo> {
    return this.connection.call("importPrivateKey", input);
  }

  findKeys(token: TokenRef, filter: { idHex?: string; label?: string } = {}): Promise<KeyInfo[]> {
    return this.connection.call("findKeys", { token, ...filter });
  }

  /** Every object the console may have made (key halves, certificates, secret keys). */
  listObjects(token: TokenRef, filter: { idHex?: string } = {}): Promise<TokenObject[]> {
    return this.connection.call("listObjects", { token, ...filter });
  }

  async getKey(token: TokenRef, idHex: string): Promise<KeyInfo> {
    const [key] = await this.findKeys(token, { idHex });
    if (!key)
      throw new AppError("HSM_OBJECT_NOT_FOUND", `No key with id ${idHex} exists in "${token.label}".`);
    return key;
  }

  /** SubjectPublicKeyInfo (DER). */
  async getPublicKey(token: TokenRef, idHex: string): Promise<Buffer> {
    return Buffer.from(await this.connection.call("getPublicKey", { token, idHex }));
  }

  destroyKey(token: TokenRef, idHex: string): Promise<{ destroyed: number }> {
    return this.connection.call("destroyKey", { token, idHex });
  }

  /** RSA PKCS#1 v1.5 / PSS, or ECDSA (DER-encoded signature). */
  async sign(input: SignInput): Promise<Buffer> {
    return Buffer.from(await this.connection.call("sign", input));
  }

  verify(input: VerifyInput): Promise<boolean> {
    return this.connection.call("verify", input);
  }

  testKey(token: TokenRef, idHex: string): Promise<TestKeyResult> {
    return testKey(this, token, idHex);
  }

  stats(): Promise<WorkerStats> {
    return this.connection.call("stats", {});
  }
}

/** "Test key": signs fresh random data in the HSM and verifies it with the key's public key (SPKI). */
export async function testKey(signer: KeySigner, token: TokenRef, idHex: string): Promise<TestKeyResult> {
  const spki = await signer.getPublicKey(token, idHex);
  const publicKey = createPublicKey({ key: spki, format: "der", type: "spki" });
  const algorithm: SignAlgorithm = publicKey.asymmetricKeyType === "ec" ? "ECDSA" : "RSASSA-PKCS1-v1_5";
  const hash: HashAlgorithm = "SHA-256";
  const data = randomBytes(32);
  const started = performance.now();
  const signature = await signer.sign({ token, idHex, algorithm, hash, data });
  const signMs = performance.now() - started;
  const ok = nodeVerify(nodeHashName(hash), data, publicKey, signature);
  return { ok, algorithm, hash, signMs };
}
