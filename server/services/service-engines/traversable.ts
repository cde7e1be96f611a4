import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/server/config/env";
import { log } from "@/server/observability/logger";

/**
 * The first ancestor of `dir` that other users cannot enter. Service engines run nginx as an
 * unprivileged user, which must traverse every parent of the data folder to reach its own folder.
 */
export function untraversableAncestor(dir: string): string | null {
  let current = path.dirname(path.resolve(dir));
  for (;;) {
    const mode = fs.statSync(current).mode;
    if ((mode & 0o001) === 0) return current;
    const parent = path.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}

/**
 * nginx runs unprivileged and must traverse the data folder to reach its own SE folder (every SE's,
 * and the console's HTTPS front): the folder is made 0711, and a parent that blocks is named.
 */
export function openDataDirToServiceEngines(): void {
  fs.mkdirSync(dataDir(), { recursive: true });
  fs.chmodSync(dataDir(), 0o711);
  const blocked = untraversableAncestor(dataDir());
  if (blocked) {
    log("service-engines").error(
      `service engines run nginx unprivileged, which cannot enter ${blocked}: run "chmod o+x ${blocked}" or put HSM_CONSOLE_DATA under a folder others may traverse.`,
    );
  }
}
