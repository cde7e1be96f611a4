import "server-only";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { checkJsonBody, checkSameOrigin, refusalResponse } from "@/server/http/request-guard";
import { createContext } from "./context";
import { appRouter } from "./router";

/** The client batches at most this many calls; the server refuses larger batches. */
export const MAX_BATCH_SIZE = 10;

export async function handleTrpcRequest(req: Request): Promise<Response> {
  if (req.method !== "GET") {
    const refused = checkSameOrigin(req) ?? checkJsonBody(req);
    if (refused) return refusalResponse(refused);
  }
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req: request, resHeaders }) => createContext({ req: request, resHeaders }),
    maxBatchSize: MAX_BATCH_SIZE,
    allowMethodOverride: false,
  });
}
