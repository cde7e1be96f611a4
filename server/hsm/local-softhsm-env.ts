import path from "node:path";
import { dataDir } from "@/server/config/env";

/** The built-in token's SoftHSM2 configuration, inside this node's data folder. */
export function localSoftHsmDir(): string {
  return path.join(dataDir(), "softhsm");
}

export function localSoftHsmEnv(): Record<string, string> {
  return { SOFTHSM2_CONF: path.join(localSoftHsmDir(), "softhsm2.conf") };
}
