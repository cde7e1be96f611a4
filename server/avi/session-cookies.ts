import { sha256Hex } from "@/server/crypto/tokens";
import { readCookie } from "@/server/trpc/cookies";

/**
 * The cookies of Avi's login flow, as the SDKs read and send them (vmware/alb-sdk avi_api.py):
 * `POST /login` answers `session_cookie_name` and sets that cookie plus `csrftoken`; later calls
 * send the session as both `sessionid` and `avi-sessionid`, and the CSRF token as the
 * `csrftoken` cookie and the `X-CSRFToken` header, with `Referer`.
 */
export const AVI_SESSION_COOKIE = "avi-sessionid";
const SESSION_COOKIE_ALIASES = [AVI_SESSION_COOKIE, "sessionid"];
export const CSRF_COOKIE = "csrftoken";
export const CSRF_HEADER = "x-csrftoken";

/** The Avi API version this console's shapes follow (the swagger read for issue #18). */
export const AVI_API_VERSION = "30.2.1";

/**
 * The CSRF token of a session: derived from the session secret, so it needs no storage, differs
 * per session and cannot be computed by a page that does not hold the session cookie.
 */
export function csrfTokenFor(sessionSecret: string): string {
  return sha256Hex(`avi-csrf|${sessionSecret}`);
}

export function aviSessionSecret(headers: Headers): string | undefined {
  const cookie = headers.get("cookie");
  for (const name of SESSION_COOKIE_ALIASES) {
    const value = readCookie(cookie, name);
    if (value) return value;
  }
  return undefined;
}

/** Session: HttpOnly. CSRF token: readable by the client, which echoes it in X-CSRFToken. */
export function aviCookies(secret: string, expiresAt: Date): string[] {
  const expires = `Expires=${expiresAt.toUTCString()}`;
  return [
    `${AVI_SESSION_COOKIE}=${encodeURIComponent(secret)}; Path=/; HttpOnly; SameSite=Strict; Secure; ${expires}`,
    `${CSRF_COOKIE}=${csrfTokenFor(secret)}; Path=/; SameSite=Strict; Secure; ${expires}`,
  ];
}

export function clearedAviCookies(): string[] {
  const gone = "Path=/; SameSite=Strict; Secure; Expires=Thu, 01 Jan 1970 00:00:00 GMT";
  return [`${AVI_SESSION_COOKIE}=; HttpOnly; ${gone}`, `${CSRF_COOKIE}=; ${gone}`];
}
