import fs from "node:fs";
import { and, eq } from "drizzle-orm";
import { isAppError } from "@/lib/errors";
import { dataDir } from "@/server/config/env";
import {
  ServiceEngine,
  type ServiceEngineOptions,
  type ServiceEngineSpec,
  type ServiceEngineStatus,
} from "@/server/dataplane";
import type { Db } from "@/server/db";
import { serviceEngines } from "@/server/db/schema";
import { consoleNode } from "../hsm-groups/console-node";
import { buildSpec } from "./build-spec";
import { FailoverScheduler } from "./failover";
import { closeSeNtls, onSeNtlsLost } from "./se-ntls";
import { untraversableAncestor } from "./traversable";
import { updateVirtualServiceStates } from "./vs-states";

type SeRow = typeof serviceEngines.$inferSelect;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs this node's service engines from the database: builds each SE's spec, starts it, re-applies
 * it when virtual services or certificates change, and mirrors its state into service_engines.
 * A virtual service whose key check fails is left out of the SE (and shown down with the reason)
 * so that it cannot take the other virtual services of the group with it.
 */
export class SeSupervisor {
  readonly #engines = new Map<string, { engine: ServiceEngine; excluded: Map<string, string> }>();
  #queue: Promise<unknown> = Promise.resolve();
  readonly #failover = new FailoverScheduler((seName, reason) => this.failover(seName, reason));

  constructor(
    readonly db: Db,
    readonly options: Omit<ServiceEngineOptions, "onStateChange"> = {},
  ) {
    onSeNtlsLost((seName, reason) => this.#failover.lost(seName, reason));
  }

  /** Starts every SE of this node. Failures are recorded on the SE, not thrown. */
  start(): Promise<void> {
    return this.#exclusive(async () => {
      // nginx runs unprivileged and must traverse the data folder to reach its own SE folder.
      fs.mkdirSync(dataDir(), { recursive: true });
      fs.chmodSync(dataDir(), 0o711);
      const blocked = untraversableAncestor(dataDir());
      if (blocked) {
        console.error(
          `[hsm-console] service engines run nginx unprivileged, which cannot enter ${blocked}: run "chmod o+x ${blocked}" or put HSM_CONSOLE_DATA under a folder others may traverse.`,
        );
      }
      const rows = await this.#nodeEngines();
      for (const groupId of new Set(rows.map((r) => r.groupId))) await this.#refreshGroup(groupId);
    });
  }

  /** Re-applies a group's SEs after a change to its virtual services, certificates or size. */
  refresh(groupId: string): Promise<void> {
    return this.#exclusive(() => this.#refreshGroup(groupId));
  }

  /** Full restart of one SE (applies a pending HSM change; briefly interrupts its traffic). */
  restart(seId: string): Promise<ServiceEngineStatus | null> {
    return this.#exclusive(async () => {
      const [se] = await this.db.select().from(serviceEngines).where(eq(serviceEngines.id, seId));
      if (!se || se.nodeName !== consoleNode().name) return null;
      // A spec that cannot be built (HSM group unusable) is the caller's error; the SE keeps running.
      const spec = await buildSpec(this.db, se);
      const entry = this.#engines.get(se.id);
      try {
        let status: ServiceEngineStatus;
        if (entry) {
          await entry.engine.apply(this.#without(spec, entry.excluded)).catch(() => undefined);
          status = await entry.engine.restart();
        } else {
          status = await this.#deploy(se, spec);
        }
        // Applied: the pending reason goes. A restart that ends "running" as before emits no
        // state event, so the state is recorded here too.
        await this.db
          .update(serviceEngines)
          .set({ restartRequiredReason: null })
          .where(eq(serviceEngines.id, se.id));
        await this.#record(se.id, status);
        return status;
      } catch (error) {
        // A failed start/restart leaves the SE stopped or failed; its state says why.
        const current = this.#engines.get(se.id)?.engine.status();
        await this.#record(
          se.id,
          current && current.state === "failed" ? current : { state: "failed", reason: message(error) },
        );
        return this.#engines.get(se.id)?.engine.status() ?? null;
      } finally {
        await updateVirtualServiceStates(this.db, se.groupId, this.#view());
      }
    });
  }

  /**
   * An SE on a network HSM lost its link (appliance down, hung or restarted): restart it on a
   * member that answers. Not while an administrator's change waits for its restart (that restart
   * is theirs to make). Returns false when no member answers yet (the caller tries again).
   */
  failover(seName: string, reason: string): Promise<boolean> {
    return this.#exclusive(async () => {
      const [se] = await this.db
        .select()
        .from(serviceEngines)
        .where(and(eq(serviceEngines.name, seName), eq(serviceEngines.nodeName, consoleNode().name)));
      const entry = se && this.#engines.get(se.id);
      if (!se || !entry || se.restartRequiredReason || entry.engine.spec.hsm.kind !== "socket") return true;
      let spec: ServiceEngineSpec;
      try {
        spec = await buildSpec(this.db, se);
      } catch (error) {
        await this.#record(se.id, { state: "failed", reason: `${reason}; ${message(error)}` });
        return false;
      }
      try {
        await entry.engine.apply(this.#without(spec, entry.excluded)).catch(() => undefined);
        const status = await entry.engine.restart();
        await this.#record(se.id, status);
        return status.state === "running";
      } catch (error) {
        await this.#record(se.id, { state: "failed", reason: `${reason}; ${message(error)}` });
        return false;
      } finally {
        await updateVirtualServiceStates(this.db, se.groupId, this.#view());
      }
    });
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
    const [row] = await this.db
      .select({ id: serviceEngines.id })
      .from(serviceEngines)
      .where(eq(serviceEngines.id, seId));
    return row ? "kept" : "gone";
  }

  /**
   * Applies (or first starts) a spec. A key check that fails names its virtual service: that one
   * is excluded and the rest applied again, at most once per virtual service.
   */
  async #deploy(se: SeRow, full: ServiceEngineSpec): Promise<ServiceEngineStatus> {
    const excluded = new Map<string, string>();
    for (;;) {
      const spec = this.#without(full, excluded);
      try {
        let entry = this.#engines.get(se.id);
        if (!entry) {
          const engine = new ServiceEngine(spec, {
            ...this.options,
            onStateChange: (status) => void this.#onState(se.id, se.groupId, status),
          });
          entry = { engine, excluded };
          this.#engines.set(se.id, entry);
          await engine.start();
        } else {
          entry.excluded = excluded;
          await entry.engine.apply(spec);
          if (entry.engine.status().state === "stopped") await entry.engine.start();
        }
        return entry.engine.status();
      } catch (error) {
        const vsId = isAppError(error) ? error.details?.virtualService : undefined;
        if (typeof vsId !== "string" || excluded.has(vsId)) throw error;
        excluded.set(vsId, message(error));
        const entry = this.#engines.get(se.id);
        if (entry) entry.excluded = excluded;
      }
    }
  }

  #without(spec: ServiceEngineSpec, excluded: Map<string, string>): ServiceEngineSpec {
    return { ...spec, virtualServices: spec.virtualServices.filter((v) => !excluded.has(v.id)) };
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
    // A network SE that fails (its health probes saw handshakes fail) may need another member.
    if (status.state === "failed" && engine?.spec.hsm.kind === "socket")
      this.#failover.lost(engine.spec.name, status.reason);
    try {
      await this.#record(seId, status);
      await updateVirtualServiceStates(this.db, groupId, this.#view());
    } catch (error) {
      console.error(`[service-engines] state of ${seId} not recorded: ${message(error)}`);
    }
  }

  /** A pending "restart required" from the console (HSM group changed) outranks "running". */
  async #record(seId: string, status: Pick<ServiceEngineStatus, "state" | "reason">): Promise<void> {
    const [row] = await this.db.select().from(serviceEngines).where(eq(serviceEngines.id, seId));
    if (!row) return;
    const pending = row.restartRequiredReason;
    const running = status.state === "running" || status.state === "restart-required";
    const state = pending && running ? "restart-required" : status.state;
    const reason = pending && running ? pending : status.reason || null;
    if (state === row.state && reason === row.stateReason) return;
    await this.db
      .update(serviceEngines)
      .set({ state, stateReason: reason, stateSince: new Date() })
      .where(eq(serviceEngines.id, seId));
  }

  /** Re-reads a SE's pending restart reason into its shown state (after the HSM group changed). */
  async markRestartRequired(groupId: string): Promise<void> {
    for (const se of await this.#nodeEngines(groupId)) {
      const status = this.#engines.get(se.id)?.engine.status();
      if (status) await this.#record(se.id, status);
    }
  }

  async #nodeEngines(groupId?: string): Promise<SeRow[]> {
    const node = eq(serviceEngines.nodeName, consoleNode().name);
    return this.db
      .select()
      .from(serviceEngines)
      .where(groupId ? and(node, eq(serviceEngines.groupId, groupId)) : node)
      .orderBy(serviceEngines.name);
  }

  #exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

export { currentSupervisor, refreshForCertificate, refreshServiceEngines, setSupervisor } from "./supervisor-registry";
