/** Test-only: sends the requests Avi's Python SDK sends (vmware/alb-sdk avi_api.py), in-process. */
import { handleRestRequest } from "@/server/rest/handler";
import { handleAviLogin, handleAviLogout } from "../login";

export const AVI_ORIGIN = "https://console.test:3000";

export interface AviSession {
  cookie: string;
  csrf: string;
}

export interface AviAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: test answers are checked field by field
  json: any;
}

/** `ApiSession.authenticate_session`: a form-encoded POST /login, cookies read from the answer. */
export async function aviLogin(
  username: string,
  password: string,
  /** `{ username, token }` as JSON (the SDK's token login) instead of the password form. */
  token?: string,
): Promise<AviAnswer & { session: AviSession }> {
  const response = await handleAviLogin(
    new Request(`${AVI_ORIGIN}/login`, {
      method: "POST",
      headers: {
        "content-type": token ? "application/json" : "application/x-www-form-urlencoded",
      },
      body: token
        ? JSON.stringify({ username, token })
        : new URLSearchParams({ username, password }).toString(),
    }),
  );
  const cookies = Object.fromEntries(
    response.headers.getSetCookie().map((c) => c.split(";")[0]!.split("=") as [string, string]),
  );
  const sessionId =
    cookies[
      (
        await response
          .clone()
          .json()
          .catch(() => ({}))
      ).session_cookie_name ?? "sessionid"
    ];
  return {
    status: response.status,
    json: await response.json(),
    session: {
      // The SDK sends the session under both names, and the CSRF token as a cookie and a header.
      cookie: `sessionid=${sessionId}; avi-sessionid=${sessionId}; csrftoken=${cookies.csrftoken}`,
      csrf: cookies.csrftoken ?? "",
    },
  };
}

export interface AviInit {
  body?: unknown;
  /** Leave out X-CSRFToken (a forged request). */
  noCsrf?: boolean;
  referer?: string | null;
  tenant?: string;
  headers?: Record<string, string>;
}

/** `ApiSession._api`: Referer, Content-Type, X-Avi-Version, X-Avi-Tenant, X-CSRFToken, cookies. */
export async function avi(
  session: AviSession,
  method: string,
  path: string,
  init: AviInit = {},
): Promise<AviAnswer> {
  const headers = new Headers({
    "content-type": "application/json",
    "x-avi-version": "30.2.1",
    "x-avi-tenant": init.tenant ?? "admin",
    cookie: session.cookie,
    timeout: "60",
    ...init.headers,
  });
  if (init.referer !== null) headers.set("referer", init.referer ?? AVI_ORIGIN);
  if (!init.noCsrf) headers.set("x-csrftoken", session.csrf);
  const response = await handleRestRequest(
    new Request(path.startsWith("http") ? path : `${AVI_ORIGIN}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

export async function aviLogout(session: AviSession): Promise<number> {
  const response = await handleAviLogout(
    new Request(`${AVI_ORIGIN}/logout`, {
      method: "POST",
      headers: { cookie: session.cookie, "x-csrftoken": session.csrf, referer: AVI_ORIGIN },
    }),
  );
  return response.status;
}
