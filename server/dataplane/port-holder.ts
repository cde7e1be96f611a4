import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { commandLine } from "./process";

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

const LISTEN = "0A";

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex word. */
function ipv4FromHex(hex: string): string {
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(".");
}

/** Inodes of LISTEN sockets that hold vip:port (the address itself, or a wildcard). */
function listeningInodes(vip: string, port: number): Set<string> {
  const inodes = new Set<string>();
  for (const [file, wildcards] of [
    ["/proc/net/tcp", ["0.0.0.0"]],
    ["/proc/net/tcp6", ["00000000000000000000000000000000", `0000000000000000FFFF0000${hexOf(vip)}`]],
  ] as const) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || f[3] !== LISTEN) continue;
      const [addrHex, portHex] = f[1]!.split(":");
      if (Number.parseInt(portHex!, 16) !== port) continue;
      const addr = file.endsWith("tcp6") ? addrHex! : ipv4FromHex(addrHex!);
      if (addr === vip || (wildcards as readonly string[]).includes(addr)) inodes.add(f[9]!);
    }
  }
  return inodes;
}

function hexOf(ipv4: string): string {
  return ipv4
    .split(".")
    .reverse()
    .map((n) => Number(n).toString(16).padStart(2, "0").toUpperCase())
    .join("");
}

export function portHolder(vip: string, port: number): PortHolder | null {
  const inodes = listeningInodes(vip, port);
  if (inodes.size === 0) return null;
  for (const pid of readdirSync("/proc").filter((n) => /^\d+$/.test(n))) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      let target: string;
      try {
        target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      } catch {
        continue;
      }
      const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
      if (inode && inodes.has(inode)) {
        let program: string | null = null;
        try {
          program = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
        } catch {
          // exited meanwhile
        }
        return { pid: Number(pid), program, commandLine: commandLine(Number(pid)) };
      }
    }
  }
  return { pid: null, program: null, commandLine: "" };
}
