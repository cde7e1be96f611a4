import fs from "node:fs";
import path from "node:path";
import { E2E_DATA } from "../../playwright.config";

export const ADMIN_USER = "admin";
export const ADMIN_PASSWORD = "e2e-admin-password-123";

/** What the start log printed, as the newcomer would copy it (also kept in the data folder). */
export function readSetupToken(): string {
  return fs.readFileSync(path.join(E2E_DATA, "setup-token"), "utf8").trim();
}
