import { SESSION_COOKIE } from "@/server/services/auth/sessions";
import { readCookie } from "@/server/trpc/cookies";
import { aviSessionSecret } from "./session-cookies";

/**
 * Avi's SDKs, Ansible and Terraform always send X-Avi-Version (Avi selects the object schema by
 * it); a request that carries it, or Avi's session cookie without the console's own credentials,
 * is answered in Avi's shapes. Everything else keeps the console's shapes (CLI, browser, scripts).
 */
export function isAviRequest(req: Request): boolean {
  if (req.headers.has("x-avi-version")) return true;
  if (req.headers.has("authorization")) return false;
  if (readCookie(req.headers.get("cookie"), SESSION_COOKIE)) return false;
  return aviSessionSecret(req.headers) !== undefined;
}
