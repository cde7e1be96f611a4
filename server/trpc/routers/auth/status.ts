import { ZAuthStatus } from "@/lib/schemas/auth";
import { setupRequired } from "@/server/services/auth/setup-token";
import { publicProcedure } from "../../init";

/** Public: the sign-in page needs to know whether to show setup, and who is signed in. */
export const status = publicProcedure.output(ZAuthStatus).query(async ({ ctx }) => ({
  setupRequired: await setupRequired(ctx.db),
  user: ctx.user,
}));
