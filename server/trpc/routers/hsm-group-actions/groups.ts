import { z } from "zod";
import { ZGroupChoice } from "@/lib/schemas/hsm-group-actions";
import { groupChoices } from "@/server/services/hsm-groups/connection/group-choices";
import { protectedProcedure } from "../../init";

export const groups = protectedProcedure
  .output(z.array(ZGroupChoice))
  .query(({ ctx }) => groupChoices(ctx.db, ctx.actor));
