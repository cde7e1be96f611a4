import { readdirSync, readFileSync } from "node:fs";
import { commandLine } from "./process";
import { listeningInodes, socketInodesOf } from "./proc-sockets";

/**
 * Who already listens on an IPv4 address and TCP port, as the kernel tells it: /proc/net/tcp and
 * tcp6 (LISTEN sockets on that address or on a wildcard, which holds every address), then the
 * process whose file descriptors hold that socket. The program is unknown when /proc does not show
 * it (another user's process while the console is not root).
 */
export interface PortHolder {
  pid: number | null;
  /** Short name (comm), e.g. "nginx", "node"; null when the system does not tell. */
  program: string | null;
  commandLine: string;
}

export function portHolder(vip: string, port: number): PortHolder | null {
  const inodes = listeningInodes(vip, port, { wildcards: true });
  if (inodes.size === 0) return null;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    if (!socketInodesOf(pid).some((inode) => inodes.has(inode))) continue;
    let program: string | null = null;
    try {
      program = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      // exited meanwhile
    }
    return { pid: Number(pid), program, commandLine: commandLine(Number(pid)) };
  }
  return { pid: null, program: null, commandLine: "" };
}
