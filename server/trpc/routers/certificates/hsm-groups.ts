import { z } from "zod";
import { hsmGroupChoices as service } from "@/server/services/certificates/group-choices";
import { protectedProcedure } from "../../init";

export const hsmGroupChoices = protectedProcedure
  .output(z.array(z.object({ id: z.string(), name: z.string() })))
  .query(({ ctx }) => service(ctx.db, ctx.actor));
