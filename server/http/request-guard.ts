import { AppError } from "@/lib/errors";
import type { SessionUser } from "@/lib/schemas/auth";
import { type Db, getDb } from "@/server/db";
import type { Actor } from "@/server/services/actor";
import { authenticateToken } from "@/server/services/api-tokens/authenticate-token";
import { resolveSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { readCookie } from "@/server/trpc/cookies";
import { readCapped } from "./body-limit";
import { allowedOrigins } from "./origins";
import { PEER_HEADER } from "./peer-address";

/** "absent": no Origin header (non-browser clients, or a browser's same-origin GET). */
export type OriginVerdict = "same-origin" | "absent" | "cross-site";

export interface GuardedRequest {
  db: Db;
  user: SessionUser | null;
  /** The user as services see them (null when not signed in). */
  actor: Actor | null;
  /** Set from the socket by the console's listener; client-sent forwarding headers never count. */
  address: string | null;
  origin: OriginVerdict;
  credential: "bearer" | "cookie" | "none";
  sessionToken?: string;
  apiTokenId?: string;
  /** Why a presented API token was refused, for the UNAUTHENTICATED message. */
  authRefusal?: string;
}

export interface GuardOptions {
  /** Writes must be application/json (forms and text/plain are the classic CSRF vehicles). */
  json?: boolean;
  /** Read the body now, capped while it streams, before any authentication work. */
  bodyCap?: number;
}

/**
 * The one door of every route (tRPC, REST, uploads, downloads), checks cheapest first: origin and
 * content type from the headers, then the body against its cap, and only then the credential.
 * Throws AppError (FORBIDDEN, UNSUPPORTED_MEDIA_TYPE, PAYLOAD_TOO_LARGE) for a refused request;
 * an absent or refused credential is not an error here (procedures decide what needs a user).
 */
export async function guardRequest(
  req: Request,
  options: GuardOptions = {},
): Promise<GuardedRequest & { body: Uint8Array | null }> {
  const address = req.headers.get(PEER_HEADER) || null;
  const origin = originVerdict(req);
  const credential = credentialOf(req.headers);
  refuseForeign(origin, credential.kind, isWrite(req));
  if (isWrite(req) && options.json) refuseNonJson(req);
  const body = options.bodyCap === undefined ? null : await readCapped(req, options.bodyCap);
  const db = await getDb();
  const auth = await authenticate(db, credential, address);
  return { db, address, origin, credential: credential.kind, body, ...auth };
}

type Credential = { kind: "bearer"; secret: string } | { kind: "cookie" | "none"; secret?: string };

/** Which credential the headers carry; a bearer token, when present, is the only one considered. */
export function credentialOf(headers: Headers): Credential {
  const header = headers.get("authorization");
  if (header && /^bearer(\s|$)/i.test(header)) return { kind: "bearer", secret: header.slice(6).trim() };
  const secret = readCookie(headers.get("cookie"), SESSION_COOKIE);
  return secret ? { kind: "cookie", secret } : { kind: "none" };
}

/**
 * The session lookup, written once: the user behind an API token or the session cookie. A
 * refused token never falls back to a cookie that happens to ride along.
 */
export async function authenticate(
  db: Db,
  credential: Credential,
  address: string | null,
): Promise<Pick<GuardedRequest, "user" | "actor" | "sessionToken" | "apiTokenId" | "authRefusal">> {
  if (credential.kind === "bearer") {
    const auth = await authenticateToken(db, credential.secret, address);
    return auth.ok
      ? { user: auth.user, actor: toActor(auth.user, address), apiTokenId: auth.tokenId }
      : { user: null, actor: null, authRefusal: auth.message };
  }
  const user = await resolveSession(db, credential.secret);
  return { user, actor: user && toActor(user, address), sessionToken: credential.secret };
}

/** The Origin header against the configured origins (never the request's own Host). */
export function originVerdict(req: Request): OriginVerdict {
  const origin = req.headers.get("origin");
  if (origin) return allowedOrigins().has(origin.toLowerCase()) ? "same-origin" : "cross-site";
  const site = req.headers.get("sec-fetch-site");
  return site && site !== "same-origin" && site !== "none" ? "cross-site" : "absent";
}

/**
 * Cookies ride along on cross-site requests; bearer tokens do not, so only cookie-borne or
 * credential-less requests are checked. A write riding on the session cookie must also say where
 * it comes from (browsers always send Origin on POST/PUT/DELETE).
 */
function refuseForeign(
  origin: OriginVerdict,
  credential: GuardedRequest["credential"],
  write: boolean,
): void {
  if (credential === "bearer") return;
  if (origin === "cross-site") {
    throw new AppError("FORBIDDEN", "Cross-site requests are not accepted. Use the console's own address.");
  }
  if (write && origin === "absent" && credential === "cookie") {
    throw new AppError(
      "FORBIDDEN",
      "Writes with the session cookie must carry the Origin header; scripts should use an API token.",
    );
  }
}

function refuseNonJson(req: Request): void {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type !== "application/json") {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the request body as application/json.");
  }
}

function isWrite(req: Request): boolean {
  return req.method !== "GET" && req.method !== "HEAD" && req.method !== "OPTIONS";
}

function toActor(user: SessionUser, address: string | null): Actor {
  const { id: userId, username, role, tenantId, tenantName } = user;
  return { userId, username, role, tenantId, tenantName, address };
}
