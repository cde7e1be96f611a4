import { isAppError } from "@/lib/errors";
import {
  ServiceEngine,
  type ServiceEngineOptions,
  type ServiceEngineSpec,
  type ServiceEngineStatus,
} from "@/server/dataplane";
import {
  engineById,
  engineOnNode,
  nodeEngines,
  type SeRow,
  updateEngine,
} from "@/server/aggregates/se-groups";
import { env } from "@/server/config/env";
import type { Db } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import { log } from "@/server/observability/logger";
import { buildSpec } from "./build-spec";
import { FailoverScheduler, type RecoveryOutcome } from "./failover";
import type { MemberMode } from "./network-hsm-access";
import { closeSeNtls, onSeNtlsLost } from "./se-ntls";
import { failingService, restartOnServingMember, withoutServices } from "./serving-member";
import type { SupervisorHandle } from "./supervisor-registry";
import { openDataDirToServiceEngines } from "./traversable";
import { updateVirtualServiceStates } from "./vs-states";

type Entry = { engine: ServiceEngine; excluded: Map<string, string> };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs this node's service engines from the database: builds each SE's spec, starts it, re-applies
 * it when virtual services or certificates change, and mirrors its state into service_engines.
 * A virtual service whose key check fails is left out of the SE (and shown down with the reason)
 * so that it cannot take the other virtual services of the group with it.
 */
export class SeSupervisor implements SupervisorHandle {
  readonly #engines = new Map<string, Entry>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #failover = new FailoverScheduler((seName, reason) => this.recover(seName, reason));
  /** SEs whose HSM link dropped: they stop serving even while nginx still runs. */
  readonly #linkLost = new Set<string>();

  constructor(
    readonly db: Db,
    readonly options: Omit<ServiceEngineOptions, "onStateChange"> = {},
  ) {
    onSeNtlsLost((seName, reason) => {
      this.#linkLost.add(seName);
      this.#failover.lost(seName, reason);
    });
  }

  /** Starts every SE of this node. Failures are recorded on the SE, not thrown. */
  start(): Promise<void> {
    return this.#exclusive(async () => {
      openDataDirToServiceEngines();
      const rows = await this.#nodeEngines();
      for (const groupId of new Set(rows.map((r) => r.groupId))) await this.#refreshGroup(groupId);
    });
  }

  /** Re-applies a group's SEs after a change to its virtual services, certificates or size. */
  refresh(groupId: string): Promise<void> {
    return this.#exclusive(() => this.#refreshGroup(groupId));
  }

  /**
   * Full restart of one SE (applies a pending HSM change; briefly interrupts its traffic), on a
   * member that can serve it. No member answering is the caller's error: the SE keeps running.
   */
  restart(seId: string): Promise<ServiceEngineStatus | null> {
    return this.#exclusive(async () => {
      const se = await engineById(this.db, seId);
      if (!se || se.nodeName !== consoleNode().name) return null;
      const entry = this.#engines.get(se.id);
      try {
        const status = entry
          ? await this.#restartEntry(se, entry)
          : await this.#deploy(se, await buildSpec(this.db, se));
        await this.#record(se.id, status);
        return status;
      } catch (error) {
        if (!entry || (isAppError(error) && error.details?.touched === false)) throw error;
        // A failed restart leaves the SE failed; its state says why (and recovery keeps trying).
        await this.#record(se.id, { state: "failed", reason: message(error) });
        return entry.engine.status();
      } finally {
        await updateVirtualServiceStates(this.db, se.groupId, this.#view());
      }
    });
  }

  /**
   * An SE that does not serve (HSM link lost, handshakes failing, nginx gone) is restarted on a
   * member that can serve it — with the configuration as it is now, so a pending HSM change is
   * applied too. Says whether to try again, and how soon (see FailoverScheduler).
   */
  recover(seName: string, reason: string): Promise<RecoveryOutcome> {
    return this.#exclusive(async () => {
      const se = await engineOnNode(this.db, seName, consoleNode().name);
      const entry = se && this.#engines.get(se.id);
      const linkLost = this.#linkLost.delete(seName);
      if (!se || !entry) return "served";
      const state = entry.engine.status().state;
      if (state === "stopped" || (state === "running" && !linkLost)) return "served";
      try {
        const status = await this.#restartEntry(se, entry, "recover");
        await this.#record(se.id, status);
        return status.state === "running" ? "served" : "retry";
      } catch (error) {
        // Not restarted (no member answered): nginx may still run, on a dead link; still not serving.
        if (linkLost) this.#linkLost.add(seName);
        await this.#record(se.id, { state: "failed", reason: `${message(error)} (after: ${reason})` });
        return isAppError(error) && error.details?.unreachableOnly ? "retry-soon" : "retry";
      } finally {
        await updateVirtualServiceStates(this.db, se.groupId, this.#view());
      }
    });
  }

  async #restartEntry(se: SeRow, entry: Entry, mode: MemberMode = "restart") {
    const served = await restartOnServingMember(this.db, se, entry.engine, mode);
    entry.excluded = served.excluded;
    return served.status;
  }

  status(seId: string): ServiceEngineStatus | null {
    return this.#engines.get(seId)?.engine.status() ?? null;
  }

  /** Stops every SE (console shutdown, tests). */
  stopAll(): Promise<void> {
    return this.#exclusive(async () => {
      this.#failover.stop();
      for (const { engine } of this.#engines.values()) {
        await engine.stop().catch(() => undefined);
        await closeSeNtls(engine.spec.name);
      }
      this.#engines.clear();
    });
  }

  /**
   * Synchronous last resort for process exit (Next's own SIGTERM handler exits before any async
   * stop could finish): signal each SE's nginx and p11-kit process groups, which run detached.
   */
  killAllNow(): void {
    for (const { engine } of this.#engines.values()) {
      for (const pid of [engine.status().pid, engine.hsmServerPid()]) {
        if (!pid) continue;
        try {
          process.kill(-pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    }
  }

  async #refreshGroup(groupId: string): Promise<void> {
    const rows = await this.#nodeEngines(groupId);
    const wanted = new Set(rows.map((r) => r.id));
    // SEs removed from the group (smaller SE count): stop them.
    for (const [id, entry] of this.#engines) {
      if (entry.engine.spec && !wanted.has(id) && (await this.#groupOf(id)) !== "kept") {
        await entry.engine.stop().catch(() => undefined);
        this.#engines.delete(id);
      }
    }
    for (const se of rows) {
      try {
        await this.#deploy(se, await buildSpec(this.db, se));
      } catch (error) {
        if (!this.#engines.has(se.id)) await this.#record(se.id, { state: "failed", reason: message(error) });
      }
    }
    await updateVirtualServiceStates(this.db, groupId, this.#view());
  }

  async #groupOf(seId: string): Promise<"kept" | "gone"> {
    return (await engineById(this.db, seId)) ? "kept" : "gone";
  }

  /**
   * Applies (or first starts) a spec. A key check that fails names its virtual service: that one
   * is excluded and the rest applied again, at most once per virtual service.
   */
  async #deploy(se: SeRow, full: ServiceEngineSpec): Promise<ServiceEngineStatus> {
    const excluded = new Map<string, string>();
    for (;;) {
      const spec = withoutServices(full, excluded);
      try {
        let entry = this.#engines.get(se.id);
        if (!entry) {
          const engine = new ServiceEngine(spec, {
            ...this.options,
            ownerRecovers: (s) => s.hsm.kind === "socket",
            logRotation: this.options.logRotation ?? {
              maxBytes: env().HSM_CONSOLE_SE_LOG_MAX_BYTES,
              keep: env().HSM_CONSOLE_SE_LOG_KEEP,
            },
            onStateChange: (status) => void this.#onState(se.id, se.groupId, status),
          });
          entry = { engine, excluded };
          this.#engines.set(se.id, entry);
          await engine.start();
        } else {
          entry.excluded = excluded;
          await entry.engine.apply(spec);
          // Not running (a start that failed on an excluded VS, say): start with what is left.
          if (entry.engine.status().state !== "running") await entry.engine.start();
        }
        return entry.engine.status();
      } catch (error) {
        const vsId = failingService(error);
        if (!vsId || excluded.has(vsId)) throw error;
        excluded.set(vsId, message(error));
        const entry = this.#engines.get(se.id);
        if (entry) entry.excluded = excluded;
      }
    }
  }

  #view() {
    return [...this.#engines.entries()].map(([id, { engine, excluded }]) => ({
      seId: id,
      status: engine.status(),
      served: new Set(engine.spec.virtualServices.map((v) => v.id)),
      excluded,
    }));
  }

  async #onState(seId: string, groupId: string, status: ServiceEngineStatus): Promise<void> {
    const engine = this.#engines.get(seId)?.engine;
    // A network SE that fails (handshakes fail, nginx gone) is recovered here, on a member that serves.
    if (status.state === "failed" && engine?.spec.hsm.kind === "socket")
      this.#failover.lost(engine.spec.name, status.reason);
    try {
      await this.#record(seId, status);
      await updateVirtualServiceStates(this.db, groupId, this.#view());
    } catch (error) {
      log("service-engines").error({ seId, err: message(error), msg: "state not recorded" });
    }
  }

  /** A pending "restart required" from the console (HSM group changed) outranks "running". */
  async #record(seId: string, status: Pick<ServiceEngineStatus, "state" | "reason">): Promise<void> {
    const row = await engineById(this.db, seId);
    if (!row) return;
    const pending = row.restartRequiredReason;
    const running = status.state === "running" || status.state === "restart-required";
    const state = pending && running ? "restart-required" : status.state;
    const reason = pending && running ? pending : status.reason || null;
    if (state === row.state && reason === row.stateReason) return;
    await updateEngine(this.db, seId, { state, stateReason: reason, stateSince: new Date() });
  }

  #nodeEngines(groupId?: string): Promise<SeRow[]> {
    return nodeEngines(this.db, consoleNode().name, groupId);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}
