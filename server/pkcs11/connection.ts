/**
 * Parent side of one module connection: a supervised worker process with a typed RPC client, a
 * timeout on every operation, a cap on concurrent operations, and kill + restart of a hung or
 * crashed worker, stopped when idle. Callers only see AppError('HSM_TIMEOUT' | 'HSM_UNAVAILABLE' | …).
 * No pkcs11js here: this file runs inside the web server.
 */
import type { ChildProcess } from "node:child_process";
import { AppError } from "../../lib/errors";
import { env } from "../config/env";
import { log } from "../observability/logger";
import { currentRequestId } from "../observability/request-context";
import { CallSlots } from "./call-slots";
import { type Clock, systemClock, withDeadline } from "./clock";
import type { ConnectionSpec } from "./connection-spec";
import { fromWire, timeoutError, unavailableError } from "./errors";
import { IdleStop } from "./idle-stop";
import { emitPkcs11Event } from "./observer";
import {
  decodeBytes,
  encodeBytes,
  type OpName,
  type RpcBatch,
  type RpcHello,
  type RpcRequest,
  type RpcResponse,
  type WorkerOps,
} from "./rpc";
import { forkWorker } from "./worker-process";

export interface CallOptions {
  timeoutMs?: number;
}

interface Pending {
  op: string;
  child: ChildProcess;
  resolve: (value: unknown) => void;
  reject: (error: AppError) => void;
  timer: unknown;
}

export class HsmConnection {
  private child: ChildProcess | undefined;
  /** The current child said hello (it listens for requests). */
  private ready = false;
  private starting: Promise<ChildProcess> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly pins = new Map<string, string>();
  private readonly outbox = new Map<ChildProcess, RpcRequest[]>();
  private closed = false;
  /** An idle worker is a process (and a login) nobody uses: stopped after spec.idleStopMs. */
  private readonly idle: IdleStop;
  private active = 0; // calls from entry to end, including those waiting for a worker to start
  /** Number of worker processes started (1 + restarts). */
  starts = 0;
  lastError: string | undefined;
  private readonly slots: CallSlots;

  /** `clock`: the system's; tests pass a manual one to decide when a deadline passes. */
  constructor(
    readonly spec: ConnectionSpec,
    private readonly clock: Clock = systemClock,
  ) {
    this.slots = new CallSlots(spec.maxConcurrent ?? 16, clock);
    this.idle = new IdleStop(spec.idleStopMs ?? 0, () => {
      const child = this.child;
      if (this.active > 0 || this.pending.size > 0 || !child) return;
      this.child = undefined;
      if (child.exitCode === null) child.kill("SIGKILL");
    });
  }

  get timeoutMs(): number {
    return this.spec.timeoutMs ?? env().HSM_OP_TIMEOUT_MS;
  }

  /** Calls sent or waiting for a slot: "close application access" waits for this to reach 0. */
  get inFlight(): number {
    return this.pending.size + this.slots.queued;
  }

  get workerPid(): number | undefined {
    return this.child?.pid;
  }

  /**
   * Calls one worker operation with a timeout (from when it is sent; waiting in the queue is limited
   * to the same time); a timed-out worker is killed and restarted on the next call.
   */
  async call<K extends OpName>(
    op: K,
    args: WorkerOps[K]["args"],
    options: CallOptions = {},
  ): Promise<WorkerOps[K]["result"]> {
    if (this.closed) throw unavailableError("connection closed");
    this.active++;
    try {
      return await this.run(op, args, options);
    } finally {
      this.active--;
      if (this.active === 0) this.idle.arm();
    }
  }

  private async run<K extends OpName>(
    op: K,
    args: WorkerOps[K]["args"],
    options: CallOptions,
  ): Promise<WorkerOps[K]["result"]> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    if (!this.slots.tryAcquire()) await this.slots.acquire(this.clock.now() + timeoutMs, op, timeoutMs);
    let sentAt: number | undefined;
    try {
      // Starting a worker (Node + tsx) is not the HSM's time: it has its own limit.
      const startMs = this.spec.startTimeoutMs ?? 30_000;
      const child =
        this.ready && this.child?.connected
          ? this.child
          : await withDeadline(
              this.worker(),
              this.clock.now() + startMs,
              () => {
                this.kill("start timed out");
                return timeoutError("start the HSM worker", startMs);
              },
              this.clock,
            );
      sentAt = performance.now();
      const result = await this.send(child, op, args, this.clock.now() + timeoutMs, timeoutMs);
      this.observe(op, args, sentAt);
      if (op === "login")
        this.pins.set(
          (args as WorkerOps["login"]["args"]).token.label,
          (args as WorkerOps["login"]["args"]).pin,
        );
      return result as WorkerOps[K]["result"];
    } catch (error) {
      if (sentAt !== undefined) this.observe(op, args, sentAt, error);
      if (error instanceof AppError) {
        this.lastError = error.message;
        const token = (args as { token?: { label: string } }).token;
        if (token && (error.code === "HSM_PIN_INCORRECT" || error.code === "HSM_PIN_LOCKED"))
          this.pins.delete(token.label);
      }
      throw error;
    } finally {
      this.slots.release();
    }
  }

  /** Where a call went, for observers (metrics, health samples): group, connection, token label. */
  private where(args: unknown) {
    const token = (args as { token?: { label?: string } } | undefined)?.token?.label;
    return { group: this.spec.group, connection: this.spec.name, ...(token ? { token } : {}) };
  }

  private observe(op: OpName, args: unknown, sentAt: number, error?: unknown): void {
    const ms = performance.now() - sentAt;
    if (!error) {
      emitPkcs11Event({ kind: "call", ...this.where(args), op, ms, ok: true });
      return;
    }
    const app = error instanceof AppError ? error : undefined;
    const ckr = app?.details?.ckr;
    emitPkcs11Event({
      kind: "call",
      ...this.where(args),
      op,
      ms,
      ok: false,
      code: app?.code ?? "HSM_ERROR",
      ...(typeof ckr === "string" ? { ckr } : {}),
    });
    const { token, ...where } = this.where(args);
    // "partition", not "token": the logger redacts fields named token (session and API tokens).
    log("pkcs11").warn({
      ...where,
      partition: token,
      op,
      code: app?.code,
      ckr,
      ms: Math.round(ms),
      msg: "HSM call failed",
    });
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  private send<K extends OpName>(
    child: ChildProcess,
    op: K,
    args: WorkerOps[K]["args"],
    deadline: number,
    timeoutMs: number,
  ): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = this.clock.setTimeout(
        () => {
          if (!this.pending.delete(id)) return;
          emitPkcs11Event({ kind: "timeout", ...this.where(args), op });
          reject(timeoutError(op, timeoutMs));
          // A synchronous PKCS#11 call may be blocked forever (dead peer): only killing frees it.
          this.kill(`"${op}" timed out`);
        },
        Math.max(0, deadline - this.clock.now()),
      );
      this.pending.set(id, { op, child, resolve, reject, timer });
      if (this.pending.size === 1) this.refChannel(child, true);
      const rid = currentRequestId();
      this.enqueue(child, { id, op, args, ...(rid ? { rid } : {}) } as RpcRequest);
    });
  }

  /** Requests of the same tick leave as one IPC message. */
  private enqueue(child: ChildProcess, request: RpcRequest): void {
    // Alone in flight: send now (latency); otherwise batch with the calls of this tick (throughput).
    if (this.pending.size === 1 && !this.outbox.has(child)) {
      child.send(encodeBytes(request) as RpcRequest, (error) => {
        if (error) this.failBatch([request]);
      });
      return;
    }
    let box = this.outbox.get(child);
    if (!box) {
      box = [];
      this.outbox.set(child, box);
      setImmediate(() => {
        const batch = this.outbox.get(child) ?? [];
        this.outbox.delete(child);
        if (!child.connected) return this.failBatch(batch);
        child.send(encodeBytes({ batch } satisfies RpcBatch<RpcRequest>) as RpcBatch<RpcRequest>, (error) => {
          if (error) this.failBatch(batch);
        });
      });
    }
    box.push(request);
  }

  private failBatch(batch: RpcRequest[]): void {
    for (const { id } of batch) {
      const pending = this.pending.get(id);
      if (!pending) continue;
      this.pending.delete(id);
      this.clock.clearTimeout(pending.timer);
      pending.reject(unavailableError("worker not reachable"));
    }
  }

  private worker(): Promise<ChildProcess> {
    if (this.ready && this.child?.connected) return Promise.resolve(this.child);
    this.starting ??= this.spawn().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private spawn(): Promise<ChildProcess> {
    let child: ChildProcess;
    try {
      child = forkWorker(this.spec);
    } catch (error) {
      return Promise.reject(error);
    }
    this.starts++;
    emitPkcs11Event({
      kind: "worker-start",
      group: this.spec.group,
      connection: this.spec.name,
      restart: this.starts > 1,
    });
    this.child = child;
    this.ready = false;
    child.on("message", (message: RpcResponse | RpcHello | RpcBatch<RpcResponse>) => this.onMessage(message));
    child.on("exit", (code, signal) => this.onExit(child, code, signal));
    // An idle worker does not keep the parent alive (CLI, tests); the channel is ref'd while calls run.
    child.unref();
    this.refChannel(child, false);
    return new Promise((resolve, reject) => {
      const onHello = (message: RpcResponse | RpcHello | RpcBatch<RpcResponse>) => {
        if ("hello" in message) {
          child.off("message", onHello);
          child.off("exit", onEarlyExit);
          if (this.pins.size > 0) {
            const pins = [...this.pins].map(([label, pin]) => ({ label, pin }));
            child.send({ id: 0, op: "restorePins", args: { pins } } satisfies RpcRequest<"restorePins">);
          }
          // Only now is the worker listening: calls made meanwhile waited for this.
          if (this.child === child) this.ready = true;
          resolve(child);
        }
      };
      const onEarlyExit = () => reject(unavailableError("worker process failed to start"));
      child.on("message", onHello);
      child.once("exit", onEarlyExit);
    });
  }

  private onMessage(message: RpcResponse | RpcHello | RpcBatch<RpcResponse>): void {
    if ("batch" in message) {
      for (const m of message.batch) this.onMessage(m);
      return;
    }
    if ("hello" in message || message.id === 0) return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    this.clock.clearTimeout(pending.timer);
    if (this.pending.size === 0) this.refChannel(pending.child, false);
    if (message.ok) pending.resolve(decodeBytes(message.result));
    else pending.reject(fromWire(message.error));
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child === child) this.child = undefined;
    const reason = signal ? `worker stopped by ${signal}` : `worker exited with code ${code}`;
    for (const [id, pending] of this.pending) {
      if (pending.child !== child) continue;
      this.pending.delete(id);
      this.clock.clearTimeout(pending.timer);
      pending.reject(unavailableError(reason));
    }
  }

  private refChannel(child: ChildProcess, ref: boolean): void {
    const channel = child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (ref) channel?.ref?.();
    else channel?.unref?.();
  }

  private kill(reason: string): void {
    this.lastError = reason;
    const child = this.child;
    this.child = undefined;
    if (child && child.exitCode === null) child.kill("SIGKILL");
  }

  /** Stops the worker (SIGKILL: no C_Finalize with calls in flight; the OS releases the module). */
  async close(): Promise<void> {
    this.closed = true;
    this.idle.cancel();
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    // The worker is unref'd while idle: ref it, or the parent could exit before the exit event.
    child.ref();
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}
