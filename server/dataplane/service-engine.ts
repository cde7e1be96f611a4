import { EventEmitter } from "node:events";
import { rmSync } from "node:fs";
import { AppError, isAppError } from "@/lib/errors";
import { Backoff } from "./backoff";
import { checkCandidate } from "./checks";
import { prepareFolders, promoteCandidate, writeCandidate, writePin } from "./files";
import { type HealthMonitor, startHealthMonitor } from "./health";
import { type P11KitServer, SOFTHSM_PROVIDER, sameHsmAccess, startP11KitServer } from "./hsm-access";
import { seLayout } from "./layout";
import { DEFAULT_LOG_ROTATION, type LogRotation, startLogRotation } from "./log-rotation";
import { type NginxProcess, startNginx } from "./nginx-process";
import type { RunAs } from "./process";
import { seUserFor } from "./se-user";
import type { ApplyOutcome, ServiceEngineOptions } from "./service-engine-options";
import type { ServiceEngineSpec, ServiceEngineState, ServiceEngineStatus } from "./types";
import { validateSpec } from "./validate";

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Supervises one SE: its HSM access (a p11-kit server it owns, or a socket given to it) and its
 * nginx. Operations run one at a time. A config is checked before it replaces the running one;
 * a crash or a lost HSM connection leads to a restart with exponential backoff. Explicit start()
 * and restart() that fail throw and leave the SE "failed" without retrying on their own.
 */
export class ServiceEngine extends EventEmitter<{ state: [ServiceEngineStatus] }> {
  #spec: ServiceEngineSpec;
  #pending: ServiceEngineSpec | null = null;
  readonly #options: ServiceEngineOptions;
  readonly #runAs: RunAs | null;
  #status: ServiceEngineStatus = {
    state: "stopped",
    reason: "",
    pid: null,
    since: new Date(),
    automaticRestarts: 0,
  };
  #desired: "running" | "stopped" = "stopped";
  #nginx: NginxProcess | null = null;
  #hsm: P11KitServer | null = null;
  #health: HealthMonitor | null = null;
  #logs: LogRotation | null = null;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #backoff: Backoff;
  #retryTimer: NodeJS.Timeout | null = null;

  constructor(spec: ServiceEngineSpec, options: ServiceEngineOptions = {}) {
    super();
    validateSpec(spec);
    this.#spec = spec;
    this.#options = options;
    this.#runAs = options.runAs === undefined ? seUserFor(spec.name) : options.runAs;
    const backoff = options.backoff;
    this.#backoff = backoff instanceof Backoff ? backoff : new Backoff(backoff?.initialMs, backoff?.maxMs);
  }

  get spec(): ServiceEngineSpec {
    return this.#spec;
  }

  status(): ServiceEngineStatus {
    return { ...this.#status, pid: this.#nginx?.pid ?? null };
  }

  /** pid of the p11-kit server this SE owns (softhsm access), for diagnostics and fault tests. */
  hsmServerPid(): number | null {
    return this.#hsm?.pid ?? null;
  }

  start(): Promise<ServiceEngineStatus> {
    return this.#exclusive(async () => {
      this.#desired = "running";
      this.#backoff.reset();
      await this.#startOrCleanUp(this.#pending ?? this.#spec);
      return this.status();
    });
  }

  /**
   * Takes a new spec. Virtual service changes are checked and applied by reload (no dropped
   * connections); an HSM access change needs a restart (nginx cannot switch HSM on reload), so the
   * SE keeps serving and says "restart-required". A failed check throws and changes nothing.
   */
  apply(spec: ServiceEngineSpec): Promise<ApplyOutcome> {
    return this.#exclusive(async () => {
      this.#sameEngine(spec);
      if (this.#desired === "stopped" || !this.#nginx) {
        this.#spec = spec;
        this.#pending = null;
        return "saved";
      }
      if (!sameHsmAccess(spec.hsm, this.#spec.hsm)) {
        this.#pending = spec;
        this.#setState("restart-required", "The HSM access changed; restart the service engine to apply it.");
        return "restart-required";
      }
      await this.#checkAndPromote(spec);
      this.#spec = spec;
      this.#pending = null;
      try {
        await this.#nginx.reload(this.#options.startTimeoutMs ?? 15_000);
      } catch (error) {
        // The config passed its check, so a refused reload means nginx's own HSM session is stale.
        await this.#stopNginx();
        await this.#startAll(spec, `reload failed (${message(error)}); restarted`);
        return "reloaded";
      }
      this.#health?.stop();
      this.#health = this.#startHealth(spec);
      this.#setState("running", "");
      return "reloaded";
    });
  }

  /** Full restart with `spec`, else a pending HSM change. Briefly interrupts this SE's traffic. */
  restart(spec?: ServiceEngineSpec): Promise<ServiceEngineStatus> {
    return this.#exclusive(async () => {
      if (spec) this.#pending = this.#sameEngine(spec);
      this.#cancelRecovery(); // this restart is the recovery
      this.#desired = "running";
      this.#backoff.reset();
      await this.#stopNginx();
      await this.#stopHsm();
      await this.#options.inRestartGap?.(this.#spec);
      await this.#startOrCleanUp(this.#pending ?? this.#spec);
      return this.status();
    });
  }

  stop(): Promise<void> {
    this.#desired = "stopped";
    this.#cancelRecovery();
    return this.#exclusive(async () => {
      await this.#stopNginx();
      await this.#stopHsm();
      this.#setState("stopped", "");
    });
  }

  #sameEngine(spec: ServiceEngineSpec): ServiceEngineSpec {
    validateSpec(spec);
    if (spec.name !== this.#spec.name || spec.dataDir !== this.#spec.dataDir)
      throw new AppError("VALIDATION", "A service engine keeps its name and folder.", { field: "name" });
    return spec;
  }

  /** Explicit start/restart: on failure nothing of this SE stays running (no retries either). */
  async #startOrCleanUp(spec: ServiceEngineSpec): Promise<void> {
    try {
      await this.#startAll(spec);
    } catch (error) {
      this.#desired = "stopped";
      await this.#stopHsm();
      throw error;
    }
  }

  async #startAll(spec: ServiceEngineSpec, note = ""): Promise<void> {
    try {
      prepareFolders(spec, this.#runAs);
      writePin(spec, this.#runAs);
      await this.#ensureHsm(spec);
      this.#nginx = await this.#startNginxOrDiagnose(spec);
      this.#spec = spec;
      this.#pending = null;
      this.#health = this.#startHealth(spec);
      this.#setState("running", note);
    } catch (error) {
      await this.#stopNginx();
      this.#setState("failed", message(error));
      throw error;
    }
  }

  async #ensureHsm(spec: ServiceEngineSpec): Promise<void> {
    const hsm = spec.hsm;
    if (hsm.kind === "socket") {
      await this.#stopHsm();
      await hsm.ensure?.();
      return;
    }
    if (this.#hsm) return;
    const l = seLayout(spec.dataDir);
    this.#hsm = await startP11KitServer({
      ...(hsm.kind === "softhsm"
        ? {
            providerPath: hsm.providerPath ?? SOFTHSM_PROVIDER,
            providerEnv: { SOFTHSM2_CONF: hsm.softhsmConf },
          }
        : { providerPath: hsm.providerPath, providerEnv: hsm.env }),
      tokenLabel: hsm.tokenLabel,
      socketPath: l.ownHsmSocket,
      pidFile: l.hsmPid,
      runAs: this.#runAs,
      onExit: (reason) => {
        this.#hsm = null;
        // nginx never recovers from a p11-kit restart by itself: restart both.
        this.#broken(`HSM connection lost: ${reason}`);
      },
    });
  }

  async #checkAndPromote(spec: ServiceEngineSpec): Promise<void> {
    const l = seLayout(spec.dataDir);
    writeCandidate(spec);
    try {
      await checkCandidate(spec, l.nginxConfNext, this.#runAs, this.#options.checkTimeoutMs ?? 10_000);
    } catch (error) {
      rmSync(l.nginxConfNext, { force: true });
      throw error;
    }
    promoteCandidate(spec);
  }

  /**
   * At start no running config needs protecting, so nginx is its own first check: one HSM key load
   * instead of three (key check, `nginx -t`, start), which is most of a failover's window. When it
   * does not start, the checks say why and name the virtual service.
   */
  async #startNginxOrDiagnose(spec: ServiceEngineSpec): Promise<NginxProcess> {
    writeCandidate(spec);
    promoteCandidate(spec);
    try {
      return await startNginx(
        spec,
        this.#runAs,
        (r) => this.#broken(r),
        this.#options.startTimeoutMs ?? 15_000,
      );
    } catch (error) {
      if (isAppError(error) && error.details?.virtualService) throw error; // already precise
      await this.#checkAndPromote(spec); // throws the precise cause, if the checks find one
      throw error;
    }
  }

  #startHealth(spec: ServiceEngineSpec): HealthMonitor | null {
    this.#logs?.stop();
    this.#logs = startLogRotation(
      spec,
      this.#options.logRotation ?? DEFAULT_LOG_ROTATION,
      () => this.#nginx?.pid ?? null,
      (step) => this.#exclusive(step),
    );
    if (this.#options.health === false) return null;
    return startHealthMonitor(spec, this.#options.health ?? {}, (reason) => this.#broken(reason));
  }

  async #stopNginx(): Promise<void> {
    this.#health?.stop();
    this.#health = null;
    this.#logs?.stop();
    this.#logs = null;
    const nginx = this.#nginx;
    this.#nginx = null;
    await nginx?.stop();
  }

  async #stopHsm(): Promise<void> {
    const hsm = this.#hsm;
    this.#hsm = null;
    await hsm?.stop();
  }

  /** Something broke while running (nginx exit, HSM loss, failing handshakes): recover later. */
  #broken(reason: string): void {
    if (this.#desired !== "running") return;
    this.#setState("failed", reason);
    if (!this.#options.ownerRecovers?.(this.#spec)) this.#scheduleRecovery();
  }

  #scheduleRecovery(): void {
    if (this.#retryTimer || this.#desired !== "running") return;
    const delay = this.#backoff.next();
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      void this.#exclusive(async () => {
        // Stopped, or already recovered by an explicit restart queued before this timer fired.
        if (this.#desired !== "running" || this.#status.state === "running") return;
        this.#status.automaticRestarts++;
        try {
          await this.#stopNginx();
          await this.#startAll(this.#spec, `restarted automatically after: ${this.#status.reason}`);
        } catch {
          this.#scheduleRecovery();
        }
      });
    }, delay);
  }

  #cancelRecovery(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
  }

  #setState(state: ServiceEngineState, reason: string): void {
    if (state === this.#status.state && reason === this.#status.reason) return;
    this.#status = { ...this.#status, state, reason, since: new Date() };
    if (state === "running") this.#backoff.up();
    const status = this.status();
    this.emit("state", status);
    this.#options.onStateChange?.(status);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
