import "server-only";
import { AppError } from "@/lib/errors";
import { handleAviRequest } from "@/server/avi/handler";
import { isAviRequest } from "@/server/avi/avi-request";
import { env } from "@/server/config/env";
import { errorResponse } from "@/server/http/error-response";
import { guardRequest } from "@/server/http/request-guard";
import { contextFrom } from "@/server/trpc/context";
import { dispatch, parseBody } from "./dispatch";
import { callProcedure } from "./procedures";
import { matchRoute } from "./route";

/**
 * The REST API: `/api/<resource>[/<uuid>[/<action>]]`, mapped by server/rest/resources.ts to
 * tRPC procedures called with a context built from this request. Requests of Avi's SDKs
 * (X-Avi-Version, or Avi's session cookie) get Avi's shapes from server/avi.
 */
export async function handleRestRequest(req: Request): Promise<Response> {
  if (isAviRequest(req)) return handleAviRequest(req);
  const segments = new URL(req.url).pathname.split("/").filter(Boolean).slice(1);
  const route = matchRoute(segments);
  if (!route) {
    return errorResponse(new AppError("NOT_FOUND", `There is no API resource /api/${segments.join("/")}.`));
  }
  try {
    // Origin, content type and the body's size are checked before the credential is looked up.
    const withBody = req.method === "POST" || req.method === "PUT";
    const guarded = await guardRequest(req, {
      json: withBody,
      ...(withBody ? { bodyCap: env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES } : {}),
    });
    const ctx = contextFrom(guarded, new Headers());
    const call = (path: string, input: unknown) => callProcedure(ctx, path, input);
    return await dispatch(req, route, call, () => parseBody(guarded.body));
  } catch (error) {
    return errorResponse(error);
  }
}
