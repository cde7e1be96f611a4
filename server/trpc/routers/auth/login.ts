import { z } from "zod";
import { ZLoginInput } from "@/lib/schemas/auth";
import { SESSION_COOKIE } from "@/server/services/auth/sessions";
import { signIn } from "@/server/services/auth/sign-in";
import { sessionCookie } from "../../cookies";
import { publicProcedure } from "../../init";

export const login = publicProcedure
  .meta({ objectType: "session" })
  .input(ZLoginInput)
  .output(z.object({ id: z.string(), username: z.string() }))
  .mutation(async ({ ctx, input }) => {
    const { session, user } = await signIn(ctx.db, input, ctx.address);
    Object.assign(ctx.auditSubject, { tenantId: user.tenantId, actorId: user.id, actorName: user.username });
    ctx.resHeaders.append(
      "Set-Cookie",
      sessionCookie(SESSION_COOKIE, session.token, session.expiresAt, ctx.secure),
    );
    return { id: user.id, username: user.username };
  });
