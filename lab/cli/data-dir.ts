import path from "node:path";

/** The console's data folder: --data-dir, else $HSM_CONSOLE_DATA, else ./data of the repository. */
export function resolveDataDir(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.HSM_CONSOLE_DATA ?? path.join(__dirname, "..", "..", "data"));
}
