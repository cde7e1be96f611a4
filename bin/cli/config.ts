import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface CliConfig {
  controller?: string;
  token?: string;
  /** CA file (absolute path) or pinned SHA-256 fingerprint of the console's certificate. */
  ca?: string;
  fingerprint?: string;
}

/**
 * The CLI's own environment (it is a client of the console, not the console: server/config is not
 * its configuration). Read here only; empty values count as unset.
 */
export function envOverrides(env: NodeJS.ProcessEnv = process.env): CliConfig {
  return {
    ...(env.HSM_CONSOLE_CONTROLLER ? { controller: env.HSM_CONSOLE_CONTROLLER } : {}),
    ...(env.HSM_CONSOLE_TOKEN ? { token: env.HSM_CONSOLE_TOKEN } : {}),
    ...(env.HSM_CONSOLE_CA ? { ca: path.resolve(env.HSM_CONSOLE_CA) } : {}),
    ...(env.HSM_CONSOLE_FINGERPRINT ? { fingerprint: env.HSM_CONSOLE_FINGERPRINT } : {}),
  };
}

/** ~/.config/hsm-console (or $XDG_CONFIG_HOME/hsm-console): config and shell history. */
export function configDir(): string {
  const base = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "hsm-console");
}

export function configPath(): string {
  return path.join(configDir(), "config.json");
}

export function loadConfig(): CliConfig {
  try {
    return JSON.parse(fs.readFileSync(configPath(), "utf8")) as CliConfig;
  } catch {
    return {};
  }
}

/** The token is a credential: the folder is 0700 and the file 0600, also when it existed before. */
export function saveConfig(config: CliConfig): string {
  fs.mkdirSync(configDir(), { recursive: true, mode: 0o700 });
  const file = configPath();
  fs.writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}
