import { ZAccessResult, ZGroupActionInput } from "@/lib/schemas/hsm-group-actions";
import {
  closeAccess as close,
  openAccess as open,
  accessState as state,
} from "@/server/services/hsm-groups/connection/application-access";
import { protectedProcedure } from "../../init";
import { security } from "./shared";

/** sautil -o / -c, and the recorded state (who, which node, since). */
export const accessState = protectedProcedure
  .input(ZGroupActionInput)
  .output(ZAccessResult)
  .query(({ ctx, input }) => state(ctx.db, ctx.actor, input.id));

export const openAccess = security
  .input(ZGroupActionInput)
  .output(ZAccessResult)
  .mutation(({ ctx, input }) => open(ctx.db, ctx.actor, input.id));

export const closeAccess = security
  .input(ZGroupActionInput)
  .output(ZAccessResult)
  .mutation(({ ctx, input }) => close(ctx.db, ctx.actor, input.id));
