import { z } from "zod";
import { ZSetupInput } from "@/lib/schemas/auth";
import { completeSetup } from "@/server/services/auth/complete-setup";
import { SESSION_COOKIE } from "@/server/services/auth/sessions";
import { signIn } from "@/server/services/auth/sign-in";
import { sessionCookie } from "../../cookies";
import { publicProcedure } from "../../init";

export const setup = publicProcedure
  .meta({ objectType: "user" })
  .input(ZSetupInput)
  .output(z.object({ id: z.string(), username: z.string() }))
  .mutation(async ({ ctx, input }) => {
    await completeSetup(ctx.db, input, ctx.address);
    const { session, user } = await signIn(
      ctx.db,
      { username: input.username, password: input.password },
      ctx.address,
    );
    Object.assign(ctx.auditSubject, { tenantId: user.tenantId, actorId: user.id, actorName: user.username });
    ctx.resHeaders.append(
      "Set-Cookie",
      sessionCookie(SESSION_COOKIE, session.token, session.expiresAt, ctx.secure),
    );
    return { id: user.id, username: user.username };
  });
