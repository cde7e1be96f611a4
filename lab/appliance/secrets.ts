import { randomBytes } from "node:crypto";
import { readJson, writeJsonAtomic } from "./json-file";
import type { AppliancePaths } from "./paths";

export interface AdminCredentials {
  username: string;
  password: string;
}

/** 18 random bytes, URL-safe: typeable, and no shell quoting surprises. */
export function randomSecret(bytes = 18): string {
  return randomBytes(bytes).toString("base64url");
}

/** The REST API's basic-auth credentials, generated once and kept 0600 in the appliance folder. */
export function ensureAdminCredentials(paths: AppliancePaths): AdminCredentials {
  const existing = readJson<AdminCredentials | null>(paths.admin, null);
  if (existing) return existing;
  const created = { username: "admin", password: randomSecret() };
  writeJsonAtomic(paths.admin, created);
  return created;
}
