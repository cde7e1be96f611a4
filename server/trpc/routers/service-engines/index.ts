import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { ZServiceEngine } from "@/lib/schemas/service-engines";
import { listServiceEngines } from "@/server/services/service-engines/list-engines";
import { restartServiceEngine } from "@/server/services/service-engines/restart";
import { changeProcedure, protectedProcedure, router } from "../../init";

export const serviceEnginesRouter = router({
  list: protectedProcedure
    .output(z.array(ZServiceEngine.extend({ groupName: z.string() })))
    .query(({ ctx }) => listServiceEngines(ctx.db, ctx.actor)),
  /** Full restart of one SE: applies a pending HSM change; briefly interrupts its traffic. */
  restart: changeProcedure("operations")
    .meta({ objectType: "service-engine" })
    .input(ZIdInput)
    .output(
      z.object({ id: z.string(), name: z.string(), state: z.string(), stateReason: z.string().nullable() }),
    )
    .mutation(({ ctx, input }) => restartServiceEngine(ctx.db, ctx.actor, input.id)),
});
