import { AVI_WEB_ROUTES } from "@/server/avi/web-routes";
import { metricsRoute } from "@/server/observability/metrics-route";
import { handleRestRequest } from "@/server/rest/handler";
import { BACKUP_PATH, handleBackupDownload } from "./backup-download";
import { UPLOAD_PATH } from "./body-limit";
import { healthRoutes } from "./health";
import { handlePackageUpload } from "./package-upload";
import type { WebHandler, WebRouter } from "./web-bridge";

/**
 * Paths under /api/ that Next serves with routes of their own (app/api/*): tRPC, the OpenAPI
 * document and the client .pem download. A test compares this list with app/api.
 */
export const NEXT_API_PREFIXES = ["/api/trpc/", "/api/openapi.json", "/api/hsm-groups/", "/api/fileservice/"];

/** Paths served by one handler each, for the methods it lists (POST when it lists none). */
const EXACT: Record<string, WebHandler> = {
  [UPLOAD_PATH]: handlePackageUpload,
  [BACKUP_PATH]: handleBackupDownload,
  ...healthRoutes,
  "/metrics": metricsRoute,
  ...AVI_WEB_ROUTES,
};

/**
 * What the console's own listener serves ahead of Next: package uploads (Next's body adapter
 * buffers the whole body), the health probes and /metrics (cheap, no page machinery) and the REST
 * API (throughput; bench: rest_list_rps_ratio). Everything else, the pages and tRPC for the
 * browser, stays with Next.
 */
export const consoleWebRoute: WebRouter = (method, pathname) => {
  const exact = EXACT[pathname];
  if (exact) return (exact.methods ?? ["POST"]).includes(method) ? exact : undefined;
  if (!pathname.startsWith("/api/")) return undefined;
  if (NEXT_API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(prefix))) return undefined;
  return handleRestRequest;
};
