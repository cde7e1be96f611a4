import { handleAviLogin, handleAviLogout } from "./login";

/**
 * The web routes of Avi's login flow (POST only; GET /login stays the console's sign-in page),
 * for the console's listener: `webRoutes: { ...AVI_WEB_ROUTES }` in scripts/serve.ts.
 */
export const AVI_WEB_ROUTES: Record<string, (req: Request) => Promise<Response>> = {
  "/login": handleAviLogin,
  "/logout": handleAviLogout,
};
