import { pruneChanges } from "@/server/cluster/change-rows";
import { pruneRequests } from "@/server/cluster/request-rows";
import type { SingletonJob } from "@/server/cluster/singleton";
import type { Db } from "@/server/db";
import { startCreationReconciler } from "../certificates/reconcile-loop";
import { log } from "@/server/observability/logger";

const MAINTENANCE_EVERY_MS = 3_600_000;
/** Changes and requests older than this were applied (or refused) long ago. */
const KEEP_HOURS = 24;

/**
 * The periodic work one node does for the cluster. (SE supervision and HSM health are each node's
 * own; PGlite maintenance has one node by definition.)
 */
export function singletonJobs(db: Db): SingletonJob[] {
  return [
    { name: "interrupted-creations", start: () => startCreationReconciler(db) },
    {
      name: "cluster-maintenance",
      start() {
        const pass = () =>
          Promise.all([pruneChanges(db, KEEP_HOURS), pruneRequests(db, KEEP_HOURS)]).catch((error: Error) =>
            log("cluster").error(`maintenance failed: ${error.message}`),
          );
        void pass();
        const timer = setInterval(() => void pass(), MAINTENANCE_EVERY_MS);
        timer.unref();
        return () => clearInterval(timer);
      },
    },
  ];
}
