import { z } from "zod";
import { ZHsmGroup } from "@/lib/schemas/hsm-group";
import { listHsmGroups } from "@/server/services/hsm-groups/list-hsm-groups";
import { protectedProcedure } from "../../init";

export const list = protectedProcedure
  .output(z.array(ZHsmGroup))
  .query(({ ctx }) => listHsmGroups(ctx.db, ctx.actor));
