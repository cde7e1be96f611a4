import { handleAviLogin, handleAviLogout } from "./login";

/**
 * The web routes of Avi's login flow (POST only; GET /login stays the console's sign-in page),
 * served by the console's listener ahead of Next: spread into EXACT in server/http/web-routes.ts.
 */
export const AVI_WEB_ROUTES: Record<string, (req: Request) => Promise<Response>> = {
  "/login": handleAviLogin,
  "/logout": handleAviLogout,
};
