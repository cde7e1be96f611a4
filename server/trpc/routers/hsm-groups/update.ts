import { ZHsmGroup, ZUpdateHsmGroupInput } from "@/lib/schemas/hsm-group";
import { updateHsmGroup } from "@/server/services/hsm-groups/update-hsm-group";
import { changeProcedure } from "../../init";

export const update = changeProcedure("security")
  .meta({ objectType: "hsm-group" })
  .input(ZUpdateHsmGroupInput)
  .output(ZHsmGroup)
  .mutation(({ ctx, input }) => updateHsmGroup(ctx.db, ctx.actor, input));
