import { log } from "@/server/observability/logger";

/** What the cluster bus carries: one change every node applies to what it hosts. */
export type ChangeKind = "se-group" | "hsm-group";

export interface Change {
  id: number;
  kind: ChangeKind;
  subjectId: string;
  originNode: string;
}

/**
 * Tells the other console nodes about a committed change and about work asked of them. PGlite
 * (one node) has no bus: the node that makes a change applies it itself, as before.
 */
export interface ClusterBus {
  /** Call after the change's transaction committed. */
  publish(kind: ChangeKind, subjectId: string): Promise<void>;
  /** Wakes `target` for the requests waiting for it (server/cluster/requests.ts). */
  wake(target: string): Promise<void>;
  stop(): Promise<void>;
}

const holder = globalThis as unknown as { __hsmClusterBus?: ClusterBus | null };

export function currentBus(): ClusterBus | null {
  return holder.__hsmClusterBus ?? null;
}

export function setBus(bus: ClusterBus | null): void {
  holder.__hsmClusterBus = bus;
}

/** Publishes a committed change; a failure is logged, never undoes what was committed. */
export async function publishChange(kind: ChangeKind, subjectId: string): Promise<void> {
  try {
    await currentBus()?.publish(kind, subjectId);
  } catch (error) {
    log("cluster").error(`change ${kind} ${subjectId} not published: ${(error as Error).message}`);
  }
}
