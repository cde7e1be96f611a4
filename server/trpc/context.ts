import type { SessionUser } from "@/lib/schemas/auth";
import { type Db, getDb } from "@/server/db";
import { PEER_HEADER } from "@/server/http/peer-address";
import { authenticateToken } from "@/server/services/api-tokens/authenticate-token";
import { resolveSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { readCookie } from "./cookies";

export interface Context {
  db: Db;
  user: SessionUser | null;
  sessionToken: string | undefined;
  address: string | null;
  /** Procedures set cookies here (sign-in, sign-out). */
  resHeaders: Headers;
  /**
   * Set by procedures that establish who acts (sign-in, setup), for the audit entry; `detail` adds
   * non-secret facts to a successful entry (e.g. a key that was imported).
   */
  auditSubject: { tenantId?: string; actorId?: string; actorName?: string; detail?: Record<string, unknown> };
  /** Cookies get the Secure flag when the console is reached over HTTPS. */
  secure: boolean;
  /** Set when the caller authenticated with an API token rather than a session cookie. */
  apiTokenId?: string;
  /** Why a presented credential was refused, for the UNAUTHENTICATED message. */
  authRefusal?: string;
}

export async function createContext(opts: { req: Request; resHeaders: Headers }): Promise<Context> {
  const db = await getDb();
  const address = clientAddress(opts.req);
  const base = {
    db,
    address,
    resHeaders: opts.resHeaders,
    auditSubject: {},
    secure:
      new URL(opts.req.url).protocol === "https:" || opts.req.headers.get("x-forwarded-proto") === "https",
  };
  // A bearer token, when present, is the only credential considered: a refused token never
  // falls back to a cookie that happens to ride along.
  const bearer = bearerToken(opts.req);
  if (bearer !== null) {
    const auth = await authenticateToken(db, bearer, address);
    return auth.ok
      ? { ...base, user: auth.user, sessionToken: undefined, apiTokenId: auth.tokenId }
      : { ...base, user: null, sessionToken: undefined, authRefusal: auth.message };
  }
  const sessionToken = readCookie(opts.req.headers.get("cookie"), SESSION_COOKIE);
  return { ...base, user: await resolveSession(db, sessionToken), sessionToken };
}

/**
 * The credential of `Authorization: Bearer <token>`, or null without one. Other schemes (a
 * reverse proxy's Basic auth passed through) are not ours and leave cookie sessions working.
 */
export function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header || !/^bearer(\s|$)/i.test(header)) return null;
  return header.slice(6).trim();
}

/** Set from the socket by scripts/serve.ts on every request (client-sent values are overwritten). */
function clientAddress(req: Request): string | null {
  return req.headers.get(PEER_HEADER) || null;
}
