import fs from "node:fs";
import path from "node:path";

/** The project folder (scripts/start.sh): from the sources (bin/cli/install) or build/cli.cjs. */
export function projectRoot(): string {
  const candidates = [
    path.resolve(__dirname, "..", "..", ".."),
    path.resolve(__dirname, ".."),
    process.cwd(),
  ];
  const found = candidates.find((c) => fs.existsSync(path.join(c, "scripts", "start.sh")));
  if (!found) throw new Error("Cannot find the HSM Console project folder (scripts/start.sh).");
  return found;
}
