import fs from "node:fs";
import path from "node:path";

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
