import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import type { Context } from "@/server/trpc/context";
import { createCallerFactory } from "@/server/trpc/init";
import { appRouter } from "@/server/trpc/router";

const createCaller = createCallerFactory(appRouter);

/** A tRPC caller as the route handler would build it, for a given user (or none). */
export function callerFor(db: Db, user: SessionUser | null, address = "127.0.0.1") {
  const ctx: Context = {
    db,
    user,
    sessionToken: undefined,
    address,
    resHeaders: new Headers(),
    auditSubject: {},
    secure: false,
  };
  return { caller: createCaller(ctx), ctx };
}
