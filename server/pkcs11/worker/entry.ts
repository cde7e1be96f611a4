/**
 * Entry of a connection worker process (`child_process.fork` with `--import tsx`). One PKCS#11
 * module per process; the parent supervises it (timeouts, kill, restart). Exits with its parent.
 */
import { AppError } from "../../../lib/errors";
import { toAppError, toWire } from "../errors";
import {
  decodeBytes,
  encodeBytes,
  type OpName,
  type RpcBatch,
  type RpcRequest,
  type RpcResponse,
  WORKER_ENV,
  type WorkerOps,
} from "../rpc";
import { initToken } from "./init-token";
import { KeyOps } from "./keys";
import { listObjects } from "./listing";
import { workerLog } from "./log";
import { ModuleHost } from "./module";
import { ReplicationOps } from "./replication";
import { SignOps } from "./signing";
import { listMechanisms, listSlots, tokenHealth } from "./slots";
import { armTestPoint } from "./test-points";

const libraryPath = process.env[WORKER_ENV.library];
if (!libraryPath || !process.send) {
  workerLog.fatal("started without a library path or IPC channel");
  process.exit(2);
}

const host = new ModuleHost({
  libraryPath,
  network: process.env[WORKER_ENV.network] === "1",
  maxSessionsPerToken: Number(process.env[WORKER_ENV.maxSessions] ?? 8),
});
const keys = new KeyOps(host);
const signing = new SignOps(host);
const replication = new ReplicationOps(host);

type Handlers = {
  [K in OpName]: (args: WorkerOps[K]["args"]) => Promise<WorkerOps[K]["result"]> | WorkerOps[K]["result"];
};

const handlers: Handlers = {
  ping: () => ({ pid: process.pid }),
  listSlots: () => listSlots(host),
  mechanisms: (a) => listMechanisms(host, a.token),
  login: (a) => host.call(() => host.token(a.token).login(a.pin)),
  restorePins: (a) => {
    for (const { label, pin } of a.pins) host.pins.set(label, pin);
    return { restored: a.pins.length };
  },
  health: (a) => tokenHealth(host, a.token),
  generateKeyPair: (a) => keys.generateKeyPair(a),
  importPrivateKey: (a) => keys.importPrivateKey(a),
  findKeys: (a) => keys.findKeys(a),
  listObjects: (a) => listObjects(host, a),
  getPublicKey: (a) => keys.getPublicKey(a),
  destroyKey: (a) => keys.destroyKey(a),
  sign: (a) => signing.sign(a),
  verify: (a) => signing.verify(a),
  hasCloningKey: (a) => replication.hasCloningKey(a),
  exportReplica: (a) => replication.exportReplica(a),
  importReplica: (a) => replication.importReplica(a),
  probeCustody: (a) => replication.probeCustody(a),
  probePolicy: (a) => replication.probePolicy(a),
  initToken: (a) => initToken(host, a),
  stats: () => ({ ...host.stats, sessions: host.sessionStats() }),
  injectFault: (a) => {
    if (process.env.HSM_PKCS11_TEST_HOOKS !== "1")
      throw new AppError("FORBIDDEN", "Fault injection is disabled.");
    // Through host.call: calls sent before this one (possibly waiting for initialisation) go first.
    return host.call(() => {
      host.injectedFault = a.ckr;
      return undefined;
    });
  },
  armTestPoint: (a) => armTestPoint(a.point, a.reachedFile),
};

let outbox: RpcResponse[] = [];
let running = 0;
function reply(message: RpcResponse): void {
  running--;
  if (running === 0 && outbox.length === 0) {
    process.send?.(encodeBytes(message));
    return;
  }
  outbox.push(message);
  if (outbox.length === 1) {
    setImmediate(() => {
      const batch = outbox;
      outbox = [];
      process.send?.(encodeBytes({ batch } satisfies RpcBatch<RpcResponse>));
    });
  }
}

async function handle(message: RpcRequest): Promise<void> {
  running++;
  const handler = handlers[message.op] as ((args: unknown) => unknown) | undefined;
  try {
    if (!handler) throw new Error(`unknown operation ${message.op}`);
    const result = await handler(message.args);
    reply({ id: message.id, ok: true, result });
  } catch (error) {
    const wire = toWire(toAppError(error));
    // Never the arguments (PINs, key material): the operation, the outcome, the console request.
    workerLog.debug({
      op: message.op,
      code: wire.code,
      ckr: wire.details?.ckr,
      requestId: message.rid,
      msg: "operation failed",
    });
    if (process.env.HSM_PKCS11_DEBUG)
      workerLog.error({ op: message.op, stack: (error as Error)?.stack, requestId: message.rid });
    reply({ id: message.id, ok: false, error: wire });
  }
}

process.on("message", (raw: RpcRequest | RpcBatch<RpcRequest>) => {
  const message = decodeBytes(raw) as RpcRequest | RpcBatch<RpcRequest>;
  if ("batch" in message) for (const m of message.batch) void handle(m);
  else void handle(message);
});

// The parent owns this process: when the IPC channel closes, leave (no C_Finalize with calls in flight).
process.on("disconnect", () => process.exit(0));
process.send({ hello: true, pid: process.pid });
