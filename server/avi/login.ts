import "server-only";
import { AppError } from "@/lib/errors";
import { API_TOKEN_PREFIX } from "@/lib/schemas/api-tokens";
import { env } from "@/server/config/env";
import { authenticate, guardRequest } from "@/server/http/request-guard";
import { callProcedure } from "@/server/rest/procedures";
import { SESSION_COOKIE } from "@/server/services/auth/sessions";
import { contextFrom } from "@/server/trpc/context";
import { readCookie } from "@/server/trpc/cookies";
import { guardAviRequest } from "./avi-auth";
import { aviErrorResponse } from "./errors";
import { AVI_API_VERSION, AVI_SESSION_COOKIE, aviCookies, clearedAviCookies } from "./session-cookies";

/**
 * `POST /login` of Avi's SDKs (form-encoded or JSON; username + password, or username + token).
 * A password goes through the console's own sign-in procedure (`auth.login`): the same throttle,
 * the same audit entry as the sign-in page. Its session is handed out under Avi's cookie names,
 * with a CSRF token; the console's own cookie is not set. A `token` is a console API token
 * (hsmc_…): it becomes the session itself, so its role, expiry and revocation keep applying.
 */
export async function handleAviLogin(req: Request): Promise<Response> {
  try {
    const guarded = await guardRequest(req, { bodyCap: env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES });
    const form = loginFields(req.headers.get("content-type"), guarded.body);
    if (form.token !== undefined) {
      const auth = await authenticate(guarded.db, { kind: "bearer", secret: form.token }, guarded.address);
      if (!auth.user) throw new AppError("UNAUTHENTICATED", auth.authRefusal ?? "The token was refused.");
      if (form.username && form.username.toLowerCase() !== auth.user.username.toLowerCase()) {
        throw new AppError("UNAUTHENTICATED", "The token belongs to another user.", { field: "username" });
      }
      const expires = new Date(Date.now() + env().HSM_CONSOLE_SESSION_HOURS * 3600_000);
      return loggedIn(auth.user, form.token, expires);
    }
    const resHeaders = new Headers();
    const ctx = contextFrom(guarded, resHeaders);
    await callProcedure(ctx, "auth.login", { username: form.username ?? "", password: form.password ?? "" });
    const session = issuedSession(resHeaders);
    const auth = await authenticate(guarded.db, { kind: "cookie", secret: session.secret }, guarded.address);
    return loggedIn(auth.user!, session.secret, session.expiresAt);
  } catch (error) {
    return aviErrorResponse(error);
  }
}

/** `POST /logout`: the session row is deleted (the console's `auth.logout`), cookies cleared. */
export async function handleAviLogout(req: Request): Promise<Response> {
  try {
    // No body: any content type (the SDK sends application/json).
    const guarded = await guardAviRequest(req, { json: false });
    if (guarded.sessionSecret && !guarded.sessionSecret.startsWith(API_TOKEN_PREFIX)) {
      await callProcedure(contextFrom(guarded, new Headers()), "auth.logout", undefined);
    }
    const headers = new Headers({ "cache-control": "no-store" });
    for (const cookie of clearedAviCookies()) headers.append("set-cookie", cookie);
    return new Response(null, { status: 200, headers });
  } catch (error) {
    return aviErrorResponse(error);
  }
}

interface LoginFields {
  username?: string;
  password?: string;
  token?: string;
}

function loginFields(contentType: string | null, body: Uint8Array | null): LoginFields {
  const text = body ? Buffer.from(body).toString("utf8") : "";
  const type = contentType?.split(";")[0]?.trim().toLowerCase();
  let raw: Record<string, unknown>;
  if (type === "application/json") {
    try {
      raw = JSON.parse(text || "{}") as Record<string, unknown>;
    } catch {
      throw new AppError("VALIDATION", "The login body is not valid JSON.");
    }
  } else if (type === "application/x-www-form-urlencoded" || type === "multipart/form-data" || !type) {
    raw = Object.fromEntries(new URLSearchParams(text));
  } else {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send username and password as JSON or a form.");
  }
  const unknown = Object.keys(raw).filter((k) => !["username", "password", "token"].includes(k));
  if (unknown.length) {
    throw new AppError("VALIDATION", `Unsupported login field "${unknown[0]}".`, { field: unknown[0] });
  }
  const text_ = (k: string) => (typeof raw[k] === "string" ? (raw[k] as string) : undefined);
  return { username: text_("username"), password: text_("password"), token: text_("token") };
}

/** The session the sign-in procedure created, read from the cookie it set for the browser. */
function issuedSession(resHeaders: Headers): { secret: string; expiresAt: Date } {
  for (const cookie of resHeaders.getSetCookie()) {
    const secret = readCookie(cookie.split(";")[0] ?? "", SESSION_COOKIE);
    const expires = /Expires=([^;]+)/i.exec(cookie)?.[1];
    if (secret) return { secret, expiresAt: expires ? new Date(expires) : new Date(Date.now() + 3600_000) };
  }
  throw new AppError("INTERNAL", "The sign-in did not create a session.");
}

function loggedIn(
  user: { id: string; username: string; role: string; tenantId: string; tenantName: string },
  secret: string,
  expiresAt: Date,
): Response {
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  for (const cookie of aviCookies(secret, expiresAt)) headers.append("set-cookie", cookie);
  const body = {
    user: { username: user.username, uuid: `user-${user.id}`, name: user.username, role: user.role },
    tenants: [{ uuid: `tenant-${user.tenantId}`, name: user.tenantName }],
    version: { Version: AVI_API_VERSION, ProductName: "HSM Console" },
    session_cookie_name: AVI_SESSION_COOKIE,
  };
  return new Response(JSON.stringify(body), { status: 200, headers });
}
