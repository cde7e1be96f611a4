import { z } from "zod";
import { ZGroupChoice } from "@/lib/schemas/hsm-group-actions";
import { hsmGroupChoices } from "@/server/services/hsm-groups/list-hsm-groups";
import { protectedProcedure } from "../../init";

export const groups = protectedProcedure
  .output(z.array(ZGroupChoice))
  .query(({ ctx }) => hsmGroupChoices(ctx.db, ctx.actor));
