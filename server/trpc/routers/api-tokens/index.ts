import { z } from "zod";
import { AppError } from "@/lib/errors";
import { ZApiToken, ZCreateApiTokenInput, ZCreatedApiToken } from "@/lib/schemas/api-tokens";
import { ZIdInput } from "@/lib/schemas/common";
import { createApiToken } from "@/server/services/api-tokens/create-api-token";
import { listApiTokens } from "@/server/services/api-tokens/list-api-tokens";
import { revokeApiToken } from "@/server/services/api-tokens/revoke-api-token";
import { protectedProcedure, router } from "../../init";

/** Every role may hold tokens (read-only users script reads too); each user manages their own. */
const tokens = protectedProcedure.meta({ objectType: "apitoken" });

export const apiTokensRouter = router({
  list: protectedProcedure.output(z.array(ZApiToken)).query(({ ctx }) => listApiTokens(ctx.db, ctx.actor)),
  create: tokens
    .input(ZCreateApiTokenInput)
    .output(ZCreatedApiToken)
    .mutation(({ ctx, input }) => {
      // A leaked token must not be able to mint successors that outlive its revocation.
      if (ctx.apiTokenId) {
        throw new AppError("FORBIDDEN", "Create API tokens in the console, signed in with your password.");
      }
      return createApiToken(ctx.db, ctx.actor, input);
    }),
  revoke: tokens
    .input(ZIdInput)
    .output(ZApiToken)
    .mutation(({ ctx, input }) => revokeApiToken(ctx.db, ctx.actor, input.id)),
});
