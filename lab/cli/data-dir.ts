import path from "node:path";

/** The console's data folder: --data-dir, else $HSM_DATA_DIR, else ./data of the repository. */
export function resolveDataDir(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.HSM_DATA_DIR ?? path.join(__dirname, "..", "..", "data"));
}
