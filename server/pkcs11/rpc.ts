/** The typed protocol between a connection (parent) and its worker process. Plain data only. */
import type { WireError } from "./errors";
import type {
  GenerateKeyPairInput,
  ImportPrivateKeyInput,
  KeyInfo,
  LoginResult,
  MechanismSummary,
  ReplicaBlob,
  SignInput,
  SlotSummary,
  TokenHealth,
  TokenObject,
  TokenRef,
  VerifyInput,
  WorkerStats,
  WorkerTestPoint,
} from "./types";

export interface WorkerOps {
  ping: { args: Record<string, never>; result: { pid: number } };
  listSlots: { args: Record<string, never>; result: SlotSummary[] };
  mechanisms: { args: { token: TokenRef }; result: MechanismSummary[] };
  login: { args: { token: TokenRef; pin: string }; result: LoginResult };
  /** Restores the passwords of a previous worker (after a restart); no C_Login until used. */
  restorePins: { args: { pins: Array<{ label: string; pin: string }> }; result: { restored: number } };
  health: { args: { token: TokenRef }; result: TokenHealth };
  generateKeyPair: { args: GenerateKeyPairInput; result: KeyInfo };
  importPrivateKey: { args: ImportPrivateKeyInput; result: KeyInfo };
  findKeys: { args: { token: TokenRef; idHex?: string; label?: string }; result: KeyInfo[] };
  /** Private, public and secret keys and certificates (optionally of one CKA_ID). */
  listObjects: { args: { token: TokenRef; idHex?: string }; result: TokenObject[] };
  getPublicKey: { args: { token: TokenRef; idHex: string }; result: Uint8Array };
  destroyKey: { args: { token: TokenRef; idHex: string }; result: { destroyed: number } };
  sign: { args: SignInput; result: Uint8Array };
  verify: { args: VerifyInput; result: boolean };
  hasCloningKey: { args: { token: TokenRef; cloningKeyLabel: string }; result: boolean };
  exportReplica: { args: { token: TokenRef; idHex: string; cloningKeyLabel: string }; result: ReplicaBlob };
  importReplica: { args: { token: TokenRef; blob: ReplicaBlob; cloningKeyLabel: string }; result: KeyInfo };
  /** Whether the member's cloning-domain key refuses to unwrap into a non-sensitive key (measured). */
  probeCustody: {
    args: { token: TokenRef; cloningKeyLabel: string };
    result: { unwrapTemplateEnforced: boolean };
  };
  /** A free slot becomes a token (SoftHSM): PINs over IPC, never on a command line. */
  initToken: { args: { label: string; soPin: string; userPin: string }; result: { serial: string } };
  probePolicy: { args: { token: TokenRef; idHex: string }; result: Record<string, string> };
  stats: { args: Record<string, never>; result: WorkerStats };
  /** Tests only (worker env HSM_PKCS11_TEST_HOOKS=1): faults SoftHSM cannot produce for real. */
  injectFault: { args: { ckr: "CKR_DEVICE_ERROR:48" | "CKR_GENERAL_ERROR:5" }; result: undefined };
  /** Tests only (same condition): the crash test's kill points, see worker/test-points.ts. */
  armTestPoint: { args: { point: WorkerTestPoint; reachedFile: string }; result: undefined };
}

export type OpName = keyof WorkerOps;

export interface RpcRequest<K extends OpName = OpName> {
  id: number;
  op: K;
  args: WorkerOps[K]["args"];
  /** The console request this call serves (its id), for the worker's log lines. */
  rid?: string;
}

export type RpcResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: WireError };

/** Requests and responses issued in the same tick travel as one IPC message (fewer syscalls). */
export interface RpcBatch<T> {
  batch: T[];
}

/** First message of a worker: the module is loaded lazily, so this only says the process runs. */
export interface RpcHello {
  hello: true;
  pid: number;
}

/** Environment handed to a worker by its parent. */
export const WORKER_ENV = {
  library: "HSM_PKCS11_LIBRARY",
  network: "HSM_PKCS11_NETWORK",
  maxSessions: "HSM_PKCS11_MAX_SESSIONS",
  logLevel: "HSM_PKCS11_LOG_LEVEL",
} as const;

/**
 * Messages travel as JSON (Node's "json" IPC): for these small request/response messages it costs
 * the worker about half the CPU of the V8 serializer ("advanced"). Byte arrays, the only non-JSON
 * values in the protocol, are carried as `{ $b64: "…" }`.
 */
export function encodeBytes(value: unknown): unknown {
  if (value instanceof Uint8Array)
    return { $b64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("base64") };
  if (Array.isArray(value)) return value.map(encodeBytes);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encodeBytes(v);
    return out;
  }
  return value;
}

export function decodeBytes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decodeBytes);
  if (value && typeof value === "object") {
    const b64 = (value as { $b64?: unknown }).$b64;
    if (typeof b64 === "string" && Object.keys(value).length === 1) return Buffer.from(b64, "base64");
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = decodeBytes(v);
    return out;
  }
  return value;
}
