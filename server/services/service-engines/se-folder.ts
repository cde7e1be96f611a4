import path from "node:path";
import { dataDir } from "@/server/config/env";

/** Each SE's own folder (config, certificates, PIN file, logs, sockets) inside the data folder. */
export function seDataDir(seNameValue: string): string {
  return path.join(dataDir(), "service-engines", seNameValue);
}
