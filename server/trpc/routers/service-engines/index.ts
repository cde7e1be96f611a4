import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { restartServiceEngine } from "@/server/services/service-engines/restart";
import { changeProcedure, router } from "../../init";

export const serviceEnginesRouter = router({
  /** Full restart of one SE: applies a pending HSM change; briefly interrupts its traffic. */
  restart: changeProcedure("operations")
    .meta({ objectType: "service-engine" })
    .input(ZIdInput)
    .output(
      z.object({ id: z.string(), name: z.string(), state: z.string(), stateReason: z.string().nullable() }),
    )
    .mutation(({ ctx, input }) => restartServiceEngine(ctx.db, ctx.actor, input.id)),
});
