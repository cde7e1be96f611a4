import { ZIdInput } from "@/lib/schemas/common";
import { ZHsmGroup } from "@/lib/schemas/hsm-group";
import { getHsmGroup } from "@/server/services/hsm-groups/list-hsm-groups";
import { protectedProcedure } from "../../init";

export const get = protectedProcedure
  .input(ZIdInput)
  .output(ZHsmGroup)
  .query(({ ctx, input }) => getHsmGroup(ctx.db, ctx.actor, input.id));
