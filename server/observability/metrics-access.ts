import { createHash, timingSafeEqual } from "node:crypto";
import net from "node:net";
import { env } from "@/server/config/env";

export type MetricsVerdict = "allowed" | "unauthorized" | "forbidden" | "not-configured";

function allowList(): net.BlockList | null {
  const entries = env()
    .HSM_CONSOLE_METRICS_ALLOW.split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  if (entries.length === 0) return null;
  const list = new net.BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split("/");
    if (!address || !net.isIP(address)) continue;
    const family = net.isIPv6(address) ? "ipv6" : "ipv4";
    if (prefix === undefined) list.addAddress(address, family);
    else list.addSubnet(address, Number(prefix), family);
  }
  return list;
}

/** Equal-length digests compared in constant time: the token's length is not leaked either. */
function sameSecret(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * Who may read /metrics: a caller presenting HSM_CONSOLE_METRICS_TOKEN as a bearer token, or one
 * whose address (from the socket, or the trusted proxy) is in HSM_CONSOLE_METRICS_ALLOW. With
 * neither set, nobody: metrics name groups, certificates and tenants.
 */
export function metricsVerdict(authorization: string | null, address: string | null): MetricsVerdict {
  const { HSM_CONSOLE_METRICS_TOKEN: token } = env();
  const list = allowList();
  if (!token && !list) return "not-configured";
  const bearer =
    authorization && /^bearer\s+/i.test(authorization) ? authorization.replace(/^bearer\s+/i, "") : null;
  if (token && bearer !== null) return sameSecret(bearer, token) ? "allowed" : "unauthorized";
  if (list && address && net.isIP(address)) {
    if (list.check(address, net.isIPv6(address) ? "ipv6" : "ipv4")) return "allowed";
  }
  return token ? "unauthorized" : "forbidden";
}
