import { ZGroupActionInput, ZHaStatus, ZSetUpHaInput } from "@/lib/schemas/hsm-group-actions";
import {
  setUpHa as setUp,
  haStatus as status,
  synchronise as sync,
} from "@/server/services/hsm-groups/connection/high-availability";
import { security } from "./shared";

/** HA status measures the members (HSM calls, logins): a mutation like the other actions. */
export const haStatus = security
  .input(ZGroupActionInput)
  .output(ZHaStatus)
  .mutation(({ ctx, input }) => status(ctx.db, ctx.actor, input.id));

export const setUpHa = security
  .input(ZSetUpHaInput)
  .output(ZHaStatus)
  .mutation(({ ctx, input }) => setUp(ctx.db, ctx.actor, input.id, { allowCloneable: input.allowCloneable }));

export const synchronise = security
  .input(ZGroupActionInput)
  .output(ZHaStatus)
  .mutation(({ ctx, input }) => sync(ctx.db, ctx.actor, input.id));
