import type { IncomingHttpHeaders } from "node:http";

/** Set by the console's own HTTP server on every request; any client-sent value is overwritten. */
export const PEER_HEADER = "x-hsm-console-peer";

/**
 * The client's address for throttling and the audit log. Without a trusted reverse proxy it is
 * the socket's peer; with HSM_CONSOLE_TRUST_PROXY=1 it is the last X-Forwarded-For entry (the one
 * the proxy appended). Client-supplied headers are never believed otherwise.
 */
export function peerAddress(
  headers: IncomingHttpHeaders,
  socketAddress: string | undefined,
  trustProxy: boolean,
): string {
  const socket = normalise(socketAddress ?? "");
  if (!trustProxy) return socket;
  const forwarded = headers["x-forwarded-for"];
  const last = (Array.isArray(forwarded) ? forwarded.join(",") : (forwarded ?? "")).split(",").at(-1)?.trim();
  return last ? normalise(last) : socket;
}

/** "::ffff:127.0.0.1" and "127.0.0.1" are the same client. */
function normalise(address: string): string {
  return address.startsWith("::ffff:") ? address.slice(7) : address;
}
