import { ZGroupActionInput, ZTestConnectionResult } from "@/lib/schemas/hsm-group-actions";
import { testConnection as run } from "@/server/services/hsm-groups/connection/test-connection";
import { security } from "./shared";

export const testConnection = security
  .input(ZGroupActionInput)
  .output(ZTestConnectionResult)
  .mutation(({ ctx, input }) => run(ctx.db, ctx.actor, input.id));
