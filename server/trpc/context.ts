import type { SessionUser } from "@/lib/schemas/auth";
import { type Db, getDb } from "@/server/db";
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
}

export async function createContext(opts: { req: Request; resHeaders: Headers }): Promise<Context> {
  const db = await getDb();
  const sessionToken = readCookie(opts.req.headers.get("cookie"), SESSION_COOKIE);
  return {
    db,
    user: await resolveSession(db, sessionToken),
    sessionToken,
    address: clientAddress(opts.req),
    resHeaders: opts.resHeaders,
    auditSubject: {},
    secure:
      new URL(opts.req.url).protocol === "https:" || opts.req.headers.get("x-forwarded-proto") === "https",
  };
}

/** The peer address as seen by Next's server. */
function clientAddress(req: Request): string | null {
  const forwarded = req.headers.get("x-forwarded-for");
  // The last hop is the one Next added from the socket; earlier entries are client-supplied.
  return forwarded?.split(",").at(-1)?.trim() || null;
}
