import { z } from "zod";
import { revokeSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { clearedCookie } from "../../cookies";
import { protectedProcedure } from "../../init";

/** Server-side invalidation: the session row is deleted, so a copied cookie stops working too. */
export const logout = protectedProcedure
  .meta({ objectType: "session" })
  .output(z.object({ ok: z.literal(true) }))
  .mutation(async ({ ctx }) => {
    if (ctx.sessionToken) await revokeSession(ctx.db, ctx.sessionToken);
    ctx.resHeaders.append("Set-Cookie", clearedCookie(SESSION_COOKIE));
    return { ok: true as const };
  });
