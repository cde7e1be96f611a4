/** Plain data exchanged by the PKCS#11 layer: never a handle, never key material. */

/** A token is identified by label (+ serial when known); never by slot number. */
export interface TokenRef {
  label: string;
  serial?: string;
}

export interface SlotSummary {
  /** Position in the module's slot list at the time of listing: for display only, never store it. */
  slot: number;
  description: string;
  manufacturer: string;
  present: boolean;
  hardwareSlot: boolean;
  removable: boolean;
  token?: TokenSummary;
}

export interface TokenSummary {
  label: string;
  serial: string;
  manufacturer: string;
  model: string;
  firmware: string;
  hardware: string;
  flags: TokenFlags;
  /** -1 / undefined when the token does not report it. */
  memory: { totalPublic?: number; freePublic?: number; totalPrivate?: number; freePrivate?: number };
  sessions: { open?: number; max?: number };
  pinLength: { min: number; max: number };
}

export interface TokenFlags {
  initialized: boolean;
  loginRequired: boolean;
  userPinInitialized: boolean;
  writeProtected: boolean;
  rng: boolean;
  userPinCountLow: boolean;
  userPinFinalTry: boolean;
  userPinLocked: boolean;
  userPinToBeChanged: boolean;
  soPinLocked: boolean;
}

export type PinFlags = Pick<
  TokenFlags,
  "userPinCountLow" | "userPinFinalTry" | "userPinLocked" | "userPinToBeChanged"
>;

export interface MechanismSummary {
  name: string;
  value: number;
  minKeySize: number;
  maxKeySize: number;
  flags: {
    generateKeyPair: boolean;
    generate: boolean;
    sign: boolean;
    verify: boolean;
    encrypt: boolean;
    decrypt: boolean;
    wrap: boolean;
    unwrap: boolean;
    digest: boolean;
    derive: boolean;
    hardware: boolean;
  };
}

export type Curve = "P-256" | "P-384" | "P-521";
export type KeySpec = { type: "RSA"; bits: 2048 | 3072 | 4096 } | { type: "EC"; curve: Curve };

export interface GenerateKeyPairInput {
  token: TokenRef;
  /** CKA_ID as lowercase hex (1..64 bytes). */
  idHex: string;
  label: string;
  spec: KeySpec;
  /**
   * HA source keys only: CKA_EXTRACTABLE true together with CKA_WRAP_WITH_TRUSTED true, so the key
   * can be wrapped under the cloning-domain (trusted) key and nothing else.
   */
  replicable?: boolean;
}

export interface ImportPrivateKeyInput {
  token: TokenRef;
  idHex: string;
  label: string;
  /** Unencrypted PKCS#8 DER. Never logged; dropped after the call. */
  pkcs8: Uint8Array;
  /** Force the unwrap path (C_UnwrapKey under a session AES key) even if C_CreateObject would work. */
  forceUnwrap?: boolean;
}

/**
 * Crash-test points inside the worker (see worker/test-points.ts). "public-only" and
 * "private-only" leave the half-made pair a crash inside the token call can leave.
 */
export type WorkerTestPoint =
  | "generateKeyPair:before"
  | "generateKeyPair:public-only"
  | "generateKeyPair:after"
  | "importReplica:before"
  | "importReplica:private-only"
  | "importReplica:after";

export type ObjectClass = "private-key" | "public-key" | "certificate" | "secret-key";

/** One token object as the inventory sees it (no attribute beyond identity is read). */
export interface TokenObject {
  idHex: string;
  label: string;
  class: ObjectClass;
}

export interface KeyInfo {
  idHex: string;
  label: string;
  type: "RSA" | "EC";
  /** RSA modulus bits or EC field size. */
  bits: number;
  curve?: Curve;
  /** false = imported (CKA_LOCAL false). */
  local: boolean;
  origin: "generated" | "imported";
  sensitive: boolean;
  extractable: boolean;
  alwaysSensitive: boolean;
  neverExtractable: boolean;
  wrapWithTrusted: boolean;
  hasPublicKey: boolean;
  /** RFC 7512 URI of the private key (no PIN). */
  uri: string;
}

export type SignAlgorithm = "RSASSA-PKCS1-v1_5" | "RSA-PSS" | "ECDSA";
export type HashAlgorithm = "SHA-256" | "SHA-384" | "SHA-512";

export interface SignInput {
  token: TokenRef;
  idHex: string;
  algorithm: SignAlgorithm;
  hash: HashAlgorithm;
  data: Uint8Array;
}

export interface VerifyInput extends SignInput {
  /** ECDSA: DER (as produced by sign). */
  signature: Uint8Array;
}

export interface LoginResult {
  /** false when the token was already logged in with this password (no C_Login made). */
  loginCalled: boolean;
  /**
   * true when the token answered CKR_USER_ALREADY_LOGGED_IN: the application was logged in already,
   * so the password given was NOT checked (checking it would need a logout under other users).
   */
  alreadyLoggedIn: boolean;
  pinFlags: PinFlags;
}

export interface TokenHealth {
  token: TokenRef;
  reachable: boolean;
  loggedIn: boolean;
  latencyMs: number;
  lastError?: string;
}

export interface WorkerStats {
  loginCalls: number;
  recoveries: number;
  operationActiveErrors: number;
  sessions: Record<string, { open: number; idle: number }>;
}

/** Opaque replication blob: key material wrapped under the cloning-domain key, plus public data. */
export interface ReplicaBlob {
  idHex: string;
  label: string;
  type: "RSA" | "EC";
  /** Wrapped private key (ciphertext). */
  wrapped: Uint8Array;
  /** SubjectPublicKeyInfo DER of the public key (not secret). */
  spki: Uint8Array;
  mechanism: "AES_KEY_WRAP_PAD" | "transport";
}
