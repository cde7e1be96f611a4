import fs from "node:fs";
import path from "node:path";

/** The console's version (package.json), recorded in every backup's manifest. */
export function consoleVersion(): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as {
      version?: string;
    };
    return pkg.version ?? "unknown";
  } catch {
    return "unknown";
  }
}
