import { z } from "zod";
import { ZCertificate } from "@/lib/schemas/certificate";
import { ZIdInput } from "@/lib/schemas/common";
import { certificateHistory, getCertificate } from "@/server/services/certificates/get-certificate";
import { protectedProcedure } from "../../init";

export const get = protectedProcedure
  .input(ZIdInput)
  .output(ZCertificate)
  .query(({ ctx, input }) => getCertificate(ctx.db, ctx.actor, input.id));

export const history = protectedProcedure
  .input(ZIdInput)
  .output(
    z.array(
      z.object({
        id: z.number(),
        at: z.string(),
        actorName: z.string(),
        action: z.string(),
        outcome: z.string(),
        detail: z.string().nullable(),
      }),
    ),
  )
  .query(({ ctx, input }) => certificateHistory(ctx.db, ctx.actor, input.id));
