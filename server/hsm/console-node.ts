import os from "node:os";
import { env } from "@/server/config/env";

/** This console node, as it is registered on HSM appliances (the document's <client_name>). */
export function consoleNode(): { name: string; ip: string } {
  const e = env();
  return { name: e.HSM_CONSOLE_NODE_NAME ?? os.hostname(), ip: e.HSM_CONSOLE_NODE_IP };
}
