import { z } from "zod";
import { ZIdInput } from "@/lib/schemas/common";
import { deleteHsmGroup } from "@/server/services/hsm-groups/delete-hsm-group";
import { changeProcedure } from "../../init";

export const remove = changeProcedure("security")
  .meta({ objectType: "hsm-group" })
  .input(ZIdInput)
  .output(z.object({ id: z.string(), name: z.string() }))
  .mutation(({ ctx, input }) => deleteHsmGroup(ctx.db, ctx.actor, input.id));
