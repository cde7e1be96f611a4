import type { Db } from "@/server/db";
import { HEARTBEAT_MS } from "./liveness";
import type { NodeIdentity } from "./node-identity";
import { beat, markStopped, registerNode } from "./node-rows";
import { log } from "@/server/observability/logger";

/**
 * Registers this node and keeps its heartbeat. A missed beat (database briefly away) is only
 * logged: the next one catches up, and other nodes call this one down only after several.
 * Alone (PGlite) there is no one to tell: registered, no beats (no write every few seconds).
 */
export async function startHeartbeat(
  db: Db,
  node: NodeIdentity,
  alone: boolean,
): Promise<{ stop(): Promise<void> }> {
  await registerNode(db, node);
  if (alone) return { stop: () => markStopped(db, node.name).catch(() => undefined) };
  let failing = false;
  const timer = setInterval(() => {
    beat(db, node.name).then(
      () => {
        if (failing) log("cluster").info("heartbeat written again");
        failing = false;
      },
      (error: Error) => {
        if (!failing) log("cluster").error(`heartbeat not written: ${error.message}`);
        failing = true;
      },
    );
  }, HEARTBEAT_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await markStopped(db, node.name).catch(() => undefined);
    },
  };
}
