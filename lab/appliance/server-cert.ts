import fs from "node:fs";
import type { ApplianceConfig } from "./config";
import type { AppliancePaths } from "./paths";
import { opensslSelfSigned } from "./self-signed";

export interface ServerIdentity {
  certPem: string;
  keyPem: string;
}

/** Loads the appliance's NTLS identity, creating it on first start. */
export async function ensureServerCert(
  paths: AppliancePaths,
  config: ApplianceConfig,
): Promise<ServerIdentity> {
  if (fs.existsSync(paths.serverPem) && fs.existsSync(paths.serverKey)) {
    return {
      certPem: fs.readFileSync(paths.serverPem, "utf8"),
      keyPem: fs.readFileSync(paths.serverKey, "utf8"),
    };
  }
  return regenerateServerCert(paths, config);
}

/**
 * `sysconf regenCert`: a new key and a new self-signed server.pem (365 days, like Luna's
 * default). Every client pinned to the old server.pem is refused until it fetches the new one.
 */
export async function regenerateServerCert(
  paths: AppliancePaths,
  config: ApplianceConfig,
): Promise<ServerIdentity> {
  const made = await opensslSelfSigned(config.name, config.host);
  // Key first, then certificate: a crash in between leaves a mismatched pair that the next
  // start would detect as a TLS error, not a silently wrong identity.
  fs.writeFileSync(`${paths.serverKey}.tmp`, made.keyPem, { mode: 0o600 });
  fs.renameSync(`${paths.serverKey}.tmp`, paths.serverKey);
  fs.writeFileSync(`${paths.serverPem}.tmp`, made.certPem, { mode: 0o644 });
  fs.renameSync(`${paths.serverPem}.tmp`, paths.serverPem);
  return { certPem: made.certPem, keyPem: made.keyPem };
}
