import { z } from "zod";
import { ZClusterNode } from "@/lib/schemas/cluster";
import { listCluster } from "@/server/services/cluster/list-cluster";
import { changeProcedure, router } from "../../init";

export const clusterRouter = router({
  /** Read-only, for administrators: nodes are shared infrastructure. */
  nodes: changeProcedure("administration")
    .output(z.array(ZClusterNode))
    .query(({ ctx }) => listCluster(ctx.db, ctx.actor)),
});
