import { ZGroupActionInput, ZListSlotsResult } from "@/lib/schemas/hsm-group-actions";
import { listSlots as run } from "@/server/services/hsm-groups/connection/list-slots";
import { security } from "./shared";

export const listSlots = security
  .input(ZGroupActionInput)
  .output(ZListSlotsResult)
  .mutation(({ ctx, input }) => run(ctx.db, ctx.actor, input.id));
