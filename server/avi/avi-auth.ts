import "server-only";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "@/lib/errors";
import { API_TOKEN_PREFIX } from "@/lib/schemas/api-tokens";
import { env } from "@/server/config/env";
import { allowedOrigins } from "@/server/http/origins";
import { authenticate, type GuardedRequest, guardRequest } from "@/server/http/request-guard";
import { writeAudit } from "@/server/services/audit/write-audit";
import { aviSessionSecret, CSRF_HEADER, csrfTokenFor } from "./session-cookies";

export type AviGuarded = GuardedRequest & { body: Uint8Array | null; sessionSecret?: string };

/**
 * The console's request guard (origin, content type, body cap, bearer token or console cookie),
 * then Avi's session cookie from `POST /login`. A write riding on that cookie must carry the
 * session's CSRF token in X-CSRFToken and a Referer on one of the console's origins, as Avi's
 * controller demands: a page on another site can make a browser send the cookie, never the header.
 */
export async function guardAviRequest(req: Request, opts: { json?: boolean } = {}): Promise<AviGuarded> {
  const write = isWrite(req.method);
  const guarded = await guardRequest(req, {
    json: write && opts.json !== false,
    ...(write ? { bodyCap: env().HSM_CONSOLE_JSON_BODY_LIMIT_BYTES } : {}),
  });
  if (guarded.credential !== "none") return guarded;
  const secret = aviSessionSecret(req.headers);
  if (!secret) return guarded;
  if (write) await checkCsrf(req, secret, guarded);
  // An Avi `token` login keeps the API token as the session: its role and expiry apply as they are.
  const kind = secret.startsWith(API_TOKEN_PREFIX) ? "bearer" : "cookie";
  const auth = await authenticate(guarded.db, { kind, secret }, guarded.address);
  return { ...guarded, ...auth, credential: kind, sessionSecret: secret };
}

export function isWrite(method: string): boolean {
  return method !== "GET" && method !== "HEAD" && method !== "OPTIONS";
}

async function checkCsrf(req: Request, secret: string, guarded: GuardedRequest): Promise<void> {
  const refusal = csrfRefusal(req, secret);
  if (!refusal) return;
  await writeAudit(guarded.db, {
    tenantId: null,
    actorId: null,
    actorName: "not signed in",
    address: guarded.address,
    action: "avi.csrf",
    objectType: "session",
    outcome: "denied",
    detail: { code: "FORBIDDEN", message: refusal },
  });
  throw new AppError("FORBIDDEN", refusal);
}

function csrfRefusal(req: Request, secret: string): string | null {
  const given = Buffer.from(req.headers.get(CSRF_HEADER) ?? "");
  const expected = Buffer.from(csrfTokenFor(secret));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return "CSRF check failed: send the csrftoken cookie's value in the X-CSRFToken header (as the Avi SDKs do).";
  }
  const referer = req.headers.get("referer");
  let origin: string | null = null;
  try {
    origin = referer ? new URL(referer).origin.toLowerCase() : null;
  } catch {
    origin = null;
  }
  if (!origin || !allowedOrigins().has(origin)) {
    return "CSRF check failed: the Referer header must name the console's own address (https://<console>[:port]).";
  }
  return null;
}
