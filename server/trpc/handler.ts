import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { env } from "@/server/config/env";
import { errorResponse } from "@/server/http/error-response";
import { type GuardedRequest, guardRequest } from "@/server/http/request-guard";
import { contextFrom } from "./context";
import { trpcResponseMeta } from "./errors";
import { appRouter } from "./router";

/** The client batches at most this many calls; the server refuses larger batches. */
export const MAX_BATCH_SIZE = 10;

export async function handleTrpcRequest(req: Request): Promise<Response> {
  let guarded: GuardedRequest & { body: Uint8Array | null };
  try {
    const write = req.method !== "GET";
    guarded = await guardRequest(req, {
      json: write,
      ...(write ? { bodyCap: env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES } : {}),
    });
  } catch (error) {
    return errorResponse(error);
  }
  // The guard has read the (capped) body; tRPC parses it from this copy.
  const request = guarded.body
    ? new Request(req.url, { method: req.method, headers: req.headers, body: guarded.body as BodyInit })
    : req;
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req: request,
    router: appRouter,
    createContext: ({ resHeaders }) => contextFrom(guarded, resHeaders),
    maxBatchSize: MAX_BATCH_SIZE,
    responseMeta: trpcResponseMeta,
    allowMethodOverride: false,
  });
}
