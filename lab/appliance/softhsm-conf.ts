import fs from "node:fs";
import type { AppliancePaths } from "./paths";

/** The appliance's private SoftHSM configuration: its tokens only, never the system default. */
export function ensureSofthsmConf(paths: AppliancePaths): void {
  fs.mkdirSync(paths.tokens, { recursive: true, mode: 0o700 });
  const text = `directories.tokendir = ${paths.tokens}\nobjectstore.backend = file\nlog.level = ERROR\nslots.removable = false\n`;
  if (!fs.existsSync(paths.softhsmConf) || fs.readFileSync(paths.softhsmConf, "utf8") !== text) {
    fs.writeFileSync(paths.softhsmConf, text, { mode: 0o600 });
  }
}
