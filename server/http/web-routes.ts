import { handleRestRequest } from "@/server/rest/handler";
import { UPLOAD_PATH } from "./body-limit";
import { handlePackageUpload } from "./package-upload";
import type { WebRouter } from "./web-bridge";

/**
 * Paths under /api/ that Next serves with routes of their own (app/api/*): tRPC, the OpenAPI
 * document and the client .pem download. A test compares this list with app/api.
 */
export const NEXT_API_PREFIXES = ["/api/trpc/", "/api/openapi.json", "/api/hsm-groups/", "/api/fileservice/"];

/**
 * What the console's own listener serves ahead of Next: package uploads (Next's body adapter
 * buffers the whole body) and the REST API (Next's routing, rendering pipeline and per-request
 * allocations cost four fifths of its throughput; bench: rest_list_rps_ratio). Everything else,
 * the pages and tRPC for the browser, stays with Next.
 */
export const consoleWebRoute: WebRouter = (method, pathname) => {
  if (pathname === UPLOAD_PATH) return method === "POST" ? handlePackageUpload : undefined;
  if (!pathname.startsWith("/api/")) return undefined;
  if (NEXT_API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix))) return undefined;
  return handleRestRequest;
};
