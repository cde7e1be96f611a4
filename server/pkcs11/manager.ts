/** One HsmConnection per module (library path or appliance), cached on globalThis for Next hot reload. */
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

/** Returns the connection for `spec.name`, replacing it if its spec changed. */
export function getConnection(spec: ConnectionSpec): HsmConnection {
  const { connections } = state();
  const existing = connections.get(spec.name);
  if (existing && JSON.stringify(existing.spec) === JSON.stringify(spec)) return existing;
  if (existing) void existing.close();
  const created = new HsmConnection(spec);
  connections.set(spec.name, created);
  return created;
}

export function listConnections(): HsmConnection[] {
  return [...state().connections.values()];
}

export async function closeConnection(name: string): Promise<void> {
  const { connections } = state();
  const c = connections.get(name);
  connections.delete(name);
  await c?.close();
}

export async function closeAllConnections(): Promise<void> {
  const { connections } = state();
  const all = [...connections.values()];
  connections.clear();
  await Promise.all(all.map((c) => c.close()));
}
