import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import type { GuardedRequest } from "@/server/http/request-guard";

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
  /** Cookies get the Secure flag: the console is served over HTTPS only. */
  secure: boolean;
  /** Set when the caller authenticated with an API token rather than a session cookie. */
  apiTokenId?: string;
  /** Why a presented credential was refused, for the UNAUTHENTICATED message. */
  authRefusal?: string;
}

/** A procedure's context from the request guard's verdict (server/http/request-guard.ts). */
export function contextFrom(guarded: GuardedRequest, resHeaders: Headers): Context {
  return {
    db: guarded.db,
    user: guarded.user,
    sessionToken: guarded.sessionToken,
    address: guarded.address,
    resHeaders,
    auditSubject: {},
    secure: true,
    ...(guarded.apiTokenId ? { apiTokenId: guarded.apiTokenId } : {}),
    ...(guarded.authRefusal ? { authRefusal: guarded.authRefusal } : {}),
  };
}
