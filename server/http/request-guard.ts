import { env } from "@/server/config/env";

export interface GuardRefusal {
  status: number;
  code: "FORBIDDEN" | "VALIDATION";
  message: string;
}

/**
 * Cross-site request forgery defence for every state-changing request: the browser's Origin
 * (or, failing that, Sec-Fetch-Site) must name this console. Requests without either header
 * come from non-browser clients, which cannot carry a victim's cookies across sites.
 */
export function checkSameOrigin(req: Request): GuardRefusal | null {
  const origin = req.headers.get("origin");
  if (origin) {
    if (allowedOrigins(req).has(origin.toLowerCase())) return null;
    return refusal(`Requests from ${origin} are not accepted. Use the console's own address.`);
  }
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") {
    return refusal("Cross-site requests are not accepted.");
  }
  return null;
}

/** Mutations are JSON only: forms and text/plain posts (the classic CSRF vehicles) are refused. */
export function checkJsonBody(req: Request): GuardRefusal | null {
  const type = req.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  if (type === "application/json") return null;
  return { status: 415, code: "VALIDATION", message: "Send the request body as application/json." };
}

function allowedOrigins(req: Request): Set<string> {
  const url = new URL(req.url);
  const host = req.headers.get("host") ?? url.host;
  const proto = req.headers.get("x-forwarded-proto") ?? url.protocol.replace(":", "");
  const origins = new Set([`${proto}://${host}`.toLowerCase()]);
  for (const extra of env().HSM_CONSOLE_ORIGINS.split(",")) {
    if (extra.trim()) origins.add(extra.trim().toLowerCase().replace(/\/$/, ""));
  }
  return origins;
}

function refusal(message: string): GuardRefusal {
  return { status: 403, code: "FORBIDDEN", message };
}

export function refusalResponse(r: GuardRefusal): Response {
  return Response.json({ error: { code: r.code, message: r.message } }, { status: r.status });
}
