import { ZGroupActionInput, ZGroupHealth } from "@/lib/schemas/hsm-group-actions";
import { groupHealth } from "@/server/services/hsm-groups/connection/group-health";
import { protectedProcedure } from "../../init";

/** Read-only: every role may see whether its HSMs answer. */
export const health = protectedProcedure
  .input(ZGroupActionInput)
  .output(ZGroupHealth)
  .query(({ ctx, input }) => groupHealth(ctx.db, ctx.actor, input.id));
