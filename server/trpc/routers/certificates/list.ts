import { ZCertificatePage, ZListCertificatesInput, ZTimeline } from "@/lib/schemas/certificate";
import { certificateTimeline, listCertificates } from "@/server/services/certificates/list-certificates";
import { protectedProcedure } from "../../init";

export const list = protectedProcedure
  .input(ZListCertificatesInput)
  .output(ZCertificatePage)
  .query(({ ctx, input }) => listCertificates(ctx.db, ctx.actor, input));

export const timeline = protectedProcedure
  .output(ZTimeline)
  .query(({ ctx }) => certificateTimeline(ctx.db, ctx.actor));
