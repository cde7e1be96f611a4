import fs from "node:fs";
import path from "node:path";
import { env } from "@/server/config/env";
import { consoleNode } from "@/server/hsm/console-node";

export interface NodeIdentity {
  name: string;
  address: string;
  version: string;
  pid: number;
  hsmClient: { name: string; ip: string };
}

let version: string | undefined;

function consoleVersion(): string {
  version ??= (
    JSON.parse(fs.readFileSync(path.join(process.cwd(), "package.json"), "utf8")) as {
      version: string;
    }
  ).version;
  return version;
}

/** This console process as other nodes see it: the name is also its HSM client name. */
export function thisNode(): NodeIdentity {
  const node = consoleNode();
  return {
    name: node.name,
    address: `https://${node.ip}:${env().PORT}`,
    version: consoleVersion(),
    pid: process.pid,
    hsmClient: node,
  };
}
