import { setBus } from "@/server/cluster/bus";
import { MasterKeyMismatch, checkMasterKeyCanary } from "@/server/cluster/canary";
import { lastChangeId } from "@/server/cluster/change-rows";
import { startHeartbeat } from "@/server/cluster/heartbeat";
import { thisNode } from "@/server/cluster/node-identity";
import { PgBus } from "@/server/cluster/pg-bus";
import { serveRequests } from "@/server/cluster/requests";
import { SingletonRunner } from "@/server/cluster/singleton";
import { env } from "@/server/config/env";
import { masterKeySource } from "@/server/crypto/master-key";
import { engineById } from "@/server/aggregates/se-groups";
import type { DbHandle } from "@/server/db/client";
import { AppError } from "@/lib/errors";
import { restartHere, SE_RESTART } from "../service-engines/restart";
import { applyChange } from "./apply-change";
import { singletonJobs } from "./singleton-jobs";

export { MasterKeyMismatch };

export interface JoinedNode {
  /** After this node's SEs started: hear other nodes' changes and requests, take singleton work. */
  listen(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * This process joins the cluster: the master-key canary (throws MasterKeyMismatch), then its
 * registration and heartbeat. The change position is taken now, before the SEs read their
 * configuration, so that nothing committed in between is missed.
 */
export async function joinCluster(handle: DbHandle): Promise<JoinedNode> {
  const { db } = handle;
  const node = thisNode();
  await checkMasterKeyCanary(db, node.name, masterKeySource());
  const url = handle.kind === "postgres" ? (env().DATABASE_URL ?? null) : null;
  const heartbeat = await startHeartbeat(db, node, url === null);
  const fromId = url ? await lastChangeId(db) : 0;
  const singletons = new SingletonRunner(url, node.name, singletonJobs(db));
  let bus: PgBus | null = null;
  const handlers = {
    [SE_RESTART]: async (seId: string) => {
      const se = await engineById(db, seId);
      if (!se) throw new AppError("NOT_FOUND", "This service engine does not exist any more.");
      return restartHere(se);
    },
  };
  return {
    async listen() {
      if (url) {
        bus = new PgBus(db, url, node.name, {
          change: applyChange,
          requests: () => serveRequests(db, node.name, handlers),
        });
        await bus.start(fromId);
        setBus(bus);
      }
      await singletons.start();
    },
    async stop() {
      // First: the process may be gone soon after (the SE supervisor re-raises the signal).
      await heartbeat.stop();
      setBus(null);
      await bus?.stop();
      await singletons.stop();
    },
  };
}
