import { ZGroupActionInput } from "@/lib/schemas/hsm-group-actions";
import { ZHsmHealthPicture } from "@/lib/schemas/hsm-health";
import { hsmHealthPicture } from "@/server/services/hsm-health/health-picture";
import { protectedProcedure } from "../../init";

/** Read-only, every role: the group's latency and operation history, workers and certificate expiry. */
export const healthPicture = protectedProcedure
  .input(ZGroupActionInput)
  .output(ZHsmHealthPicture)
  .query(({ ctx, input }) => hsmHealthPicture(ctx.db, ctx.actor, input.id));
