/**
 * One HsmConnection (one worker process) per HSM group and connection name, cached on globalThis
 * for Next hot reload. Keyed by the owning group, never by library and environment: two groups
 * naming the same library and partition still get two processes, so each proves its own login.
 */
import { AppError } from "../../lib/errors";
import { env } from "../config/env";
import { HsmConnection } from "./connection";
import type { ConnectionSpec } from "./connection-spec";

interface ManagerState {
  connections: Map<string, HsmConnection>;
}

const KEY = Symbol.for("hsm-console.pkcs11.manager");
type GlobalWithManager = typeof globalThis & { [KEY]?: ManagerState };

function state(): ManagerState {
  const g = globalThis as GlobalWithManager;
  g[KEY] ??= { connections: new Map() };
  return g[KEY];
}

function keyOf(spec: Pick<ConnectionSpec, "name" | "group">): string {
  return spec.group ? `group:${spec.group}/${spec.name}` : spec.name;
}

/**
 * Returns the connection for `spec` (its group and name), replacing it if its spec changed. Group
 * connections stop their worker when idle (HSM_CONSOLE_WORKER_IDLE_SECONDS), and a new one is
 * refused when HSM_CONSOLE_MAX_HSM_WORKERS workers already run.
 */
export function getConnection(input: ConnectionSpec): HsmConnection {
  const settings = env();
  const spec: ConnectionSpec =
    input.group && input.idleStopMs === undefined
      ? { ...input, idleStopMs: settings.HSM_CONSOLE_WORKER_IDLE_SECONDS * 1000 }
      : input;
  const { connections } = state();
  const key = keyOf(spec);
  const existing = connections.get(key);
  if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
  if (existing) void existing.close();
  const running = [...connections.values()].filter((c) => c.running).length;
  if (running >= settings.HSM_CONSOLE_MAX_HSM_WORKERS) {
    throw new AppError(
      "HSM_UNAVAILABLE",
      `The console already runs its maximum of ${settings.HSM_CONSOLE_MAX_HSM_WORKERS} HSM worker processes. Close application access of unused HSM groups, wait for idle ones to stop, or raise HSM_CONSOLE_MAX_HSM_WORKERS.`,
    );
  }
  const created = new HsmConnection(spec);
  connections.set(key, created);
  return created;
}

export function listConnections(): HsmConnection[] {
  return [...state().connections.values()];
}

export async function closeConnection(name: string, group?: string): Promise<void> {
  const { connections } = state();
  const key = keyOf({ name, group });
  const c = connections.get(key);
  connections.delete(key);
  await c?.close();
}

/** Stops every worker of one HSM group (deleted or changed group). */
export async function closeGroupConnections(group: string): Promise<number> {
  const { connections } = state();
  const mine = [...connections].filter(([, c]) => c.spec.group === group);
  for (const [key] of mine) connections.delete(key);
  await Promise.all(mine.map(([, c]) => c.close()));
  return mine.length;
}

export async function closeAllConnections(): Promise<void> {
  const { connections } = state();
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((c) => c.close()));
}
