import { randomInt } from "node:crypto";
import { readJson, writeJsonAtomic } from "./json-file";
import type { AppliancePaths } from "./paths";

/** What an appliance is: its name, where it listens, and its (emulated) HSM serial number. */
export interface ApplianceConfig {
  name: string;
  host: string;
  ntlsPort: number;
  adminPort: number;
  /** Nine digits, like a Luna HSM serial (e.g. 156908040). Fixed at first start. */
  hsmSerial: string;
  handshakeTimeoutMs: number;
  /** Client silence before the front disconnects it: long, idle service engines keep sessions. */
  idleTimeoutMs: number;
  /** HSM (p11-kit remote) silence while a client waits for an answer. */
  answerTimeoutMs: number;
}

export type ApplianceAddress = Pick<ApplianceConfig, "name" | "host" | "ntlsPort" | "adminPort"> &
  Partial<Pick<ApplianceConfig, "handshakeTimeoutMs" | "idleTimeoutMs" | "answerTimeoutMs">>;

/** Creates the config on first start and keeps the serial on later ones (addresses may change). */
export function ensureConfig(paths: AppliancePaths, address: ApplianceAddress): ApplianceConfig {
  const existing = readJson<ApplianceConfig | null>(paths.config, null);
  const config: ApplianceConfig = {
    handshakeTimeoutMs: 10_000,
    idleTimeoutMs: 24 * 60 * 60_000,
    answerTimeoutMs: 60_000,
    ...existing,
    ...address,
    hsmSerial: existing?.hsmSerial ?? String(randomInt(100_000_000, 999_999_999)),
  };
  writeJsonAtomic(paths.config, config);
  return config;
}

export function readConfig(paths: AppliancePaths): ApplianceConfig {
  const config = readJson<ApplianceConfig | null>(paths.config, null);
  if (!config) throw new Error(`no appliance configuration at ${paths.config}`);
  return config;
}
