import { ZTimeline } from "@/lib/schemas/certificate";
import { certificateTimeline } from "@/server/services/certificates/list-certificates";
import { protectedProcedure } from "../../init";

export const timeline = protectedProcedure
  .output(ZTimeline)
  .query(({ ctx }) => certificateTimeline(ctx.db, ctx.actor));
