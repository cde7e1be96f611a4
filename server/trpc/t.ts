import "server-only";
import { initTRPC } from "@trpc/server";
import type { Context } from "./context";
import { toAppError } from "./errors";

export interface Meta {
  /** Kind of object the procedure changes, for the audit log ("user", "hsm-group", ...). */
  objectType?: string;
}

export const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    // Never send stacks or internal messages: the client sees the AppError code and message only.
    isDev: false,
    errorFormatter({ shape, error }) {
      const app = toAppError(error);
      return {
        message: app.message,
        code: shape.code,
        data: {
          code: shape.data.code,
          // ERROR_STATUS's status, as REST answers (tRPC's own table lacks 423 and 507); tRPC's
          // for its own refusals that are no AppError (a GET on a mutation: 405).
          httpStatus: app.code === "INTERNAL" ? shape.data.httpStatus : app.status,
          path: shape.data.path,
          appCode: app.code,
          field: app.field ?? null,
          details: app.details ?? null,
        },
      };
    },
  });
