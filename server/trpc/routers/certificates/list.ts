import { ZCertificatePage, ZListCertificatesInput } from "@/lib/schemas/certificate";
import { listCertificates } from "@/server/services/certificates/list-certificates";
import { protectedProcedure } from "../../init";

export const list = protectedProcedure
  .input(ZListCertificatesInput)
  .output(ZCertificatePage)
  .query(({ ctx, input }) => listCertificates(ctx.db, ctx.actor, input));
