import fs from "node:fs";

/**
 * Who listens on a VIP:port, read from /proc: the inodes of the TCP sockets in LISTEN state bound
 * to exactly that IPv4 address and port (SO_REUSEPORT lets several share one), and whether a
 * process holds each of them. nginx's master keeps every listening socket open (its workers
 * inherit them), so "all listeners of VIP:port are held by this SE's master" means a connection
 * to VIP:port reaches that SE and no other program.
 */
export function listenerInodes(ip: string, port: number): string[] {
  const wanted = `${ipv4Hex(ip)}:${port.toString(16).toUpperCase().padStart(4, "0")}`;
  let table: string;
  try {
    table = fs.readFileSync("/proc/net/tcp", "utf8");
  } catch {
    return [];
  }
  return table
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f[1] === wanted && f[3] === "0A") // 0A = LISTEN
    .map((f) => f[9]!)
    .filter(Boolean);
}

/** True when every listener on ip:port is a socket open in one of `pids` (and there is one). */
export function listenersHeldBy(ip: string, port: number, pids: number[]): boolean {
  const inodes = listenerInodes(ip, port);
  if (inodes.length === 0) return false;
  const held = new Set(pids.flatMap(socketInodesOf));
  return inodes.every((inode) => held.has(inode));
}

function socketInodesOf(pid: number): string[] {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`${dir}/${fd}`));
      return match ? [match[1]!] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}

/** /proc/net/tcp writes the address as the host-order (little-endian here) 32-bit value in hex. */
function ipv4Hex(ip: string): string {
  return ip
    .split(".")
    .reverse()
    .map((part) => Number(part).toString(16).toUpperCase().padStart(2, "0"))
    .join("");
}
