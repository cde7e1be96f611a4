import { env } from "@/server/config/env";
import { consoleNode } from "./console-node";

/** The built-in group's name on one node; with nodes sharing PostgreSQL, "Local-SoftHSM (node-a)". */
export const LOCAL_HSM_GROUP = "Local-SoftHSM";

/**
 * Local-SoftHSM is a token in this node's data folder: with several nodes on one PostgreSQL
 * (DATABASE_URL) each node has its own, named after it; a single node keeps the plain name.
 */
export function localHsmNode(): string | null {
  return env().DATABASE_URL ? consoleNode().name : null;
}

export function localGroupName(node: string | null): string {
  return node ? `${LOCAL_HSM_GROUP} (${node})` : LOCAL_HSM_GROUP;
}
