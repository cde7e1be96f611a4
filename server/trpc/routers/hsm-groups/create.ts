import { ZCreateHsmGroupInput, ZHsmGroup } from "@/lib/schemas/hsm-group";
import { createHsmGroup } from "@/server/services/hsm-groups/create-hsm-group";
import { changeProcedure } from "../../init";

export const create = changeProcedure("security")
  .meta({ objectType: "hsm-group" })
  .input(ZCreateHsmGroupInput)
  .output(ZHsmGroup)
  .mutation(({ ctx, input }) => createHsmGroup(ctx.db, ctx.actor, input));
