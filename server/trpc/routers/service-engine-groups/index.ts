import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { ZHsmGroupChoice, ZServiceEngineGroup, ZUpdateSeGroupInput } from "@/lib/schemas/service-engines";
import { hsmGroupChoices } from "@/server/services/hsm-groups/list-hsm-groups";
import { listSeGroups } from "@/server/services/service-engines/list-groups";
import { restartSeGroup } from "@/server/services/service-engines/restart";
import { updateSeGroup } from "@/server/services/service-engines/update-group";
import { changeProcedure, protectedProcedure, router } from "../../init";

const operations = changeProcedure("operations").meta({ objectType: "service-engine-group" });

export const serviceEngineGroupsRouter = router({
  list: protectedProcedure
    .output(z.array(ZServiceEngineGroup))
    .query(({ ctx }) => listSeGroups(ctx.db, ctx.actor)),
  /** The HSM group select of the edit form (this tenant's groups; no secrets). */
  hsmGroupChoices: protectedProcedure
    .output(z.array(ZHsmGroupChoice))
    .query(({ ctx }) => hsmGroupChoices(ctx.db, ctx.actor)),
  update: operations
    .input(ZUpdateSeGroupInput)
    .output(
      z.object({ id: z.string(), name: z.string(), hsmGroupId: z.string().nullable(), seCount: z.number() }),
    )
    .mutation(({ ctx, input }) => updateSeGroup(ctx.db, ctx.actor, input)),
  restartAll: operations
    .input(ZIdInput)
    .output(
      z.object({
        id: z.string(),
        name: z.string(),
        restarted: z.array(z.string()),
        failed: z.string().nullable(),
      }),
    )
    .mutation(({ ctx, input }) => restartSeGroup(ctx.db, ctx.actor, input.id)),
});
