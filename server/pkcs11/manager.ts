/**
 * One HsmConnection (one worker process) per HSM group and connection name, cached on globalThis
 * for Next hot reload. Keyed by the owning group, never by library and environment: two groups
 * naming the same library and partition still get two processes, so each proves its own login.
 */
import { type ConnectionSpec, HsmConnection } from "./connection";

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

/** Returns the connection for `spec` (its group and name), replacing it if its spec changed. */
export function getConnection(spec: ConnectionSpec): HsmConnection {
  const { connections } = state();
  const key = keyOf(spec);
  const existing = connections.get(key);
  if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
  if (existing) void existing.close();
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
