import os from "node:os";
import { env } from "@/server/config/env";

/**
 * Origins allowed to send writes: the HTTPS URLs the console serves on (loopback, this host's
 * name and addresses, on PORT) plus HSM_CONSOLE_ORIGINS. Never derived from a request's Host or
 * X-Forwarded-* headers, which the client chooses.
 */
export function allowedOrigins(): ReadonlySet<string> {
  const settings = env();
  if (cached?.settings === settings) return cached.origins;
  const { PORT, HOSTNAME, HSM_CONSOLE_ORIGINS, NODE_ENV } = settings;
  const wildcard = HOSTNAME === "0.0.0.0" || HOSTNAME === "::";
  const hosts = new Set(["localhost", "127.0.0.1", "[::1]", os.hostname().toLowerCase()]);
  if (wildcard) {
    for (const list of Object.values(os.networkInterfaces())) {
      for (const a of list ?? []) hosts.add(a.family === "IPv6" ? `[${a.address.split("%")[0]}]` : a.address);
    }
  } else {
    hosts.add(HOSTNAME.includes(":") ? `[${HOSTNAME}]` : HOSTNAME.toLowerCase());
  }
  // `next dev` serves plain HTTP; the production server never does.
  const schemes = NODE_ENV === "development" ? ["https", "http"] : ["https"];
  const origins = new Set<string>();
  for (const scheme of schemes) {
    for (const host of hosts) {
      origins.add(`${scheme}://${host}:${PORT}`);
      if (scheme === "https" && PORT === 443) origins.add(`https://${host}`);
    }
  }
  for (const extra of HSM_CONSOLE_ORIGINS.split(",")) {
    if (extra.trim()) origins.add(extra.trim().toLowerCase().replace(/\/$/, ""));
  }
  cached = { settings, origins };
  return origins;
}

/** Recomputed when the settings are (tests reset them between cases). */
let cached: { settings: object; origins: Set<string> } | undefined;
