import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/**
 * Listening TCP sockets as the kernel tells them in /proc: which socket inodes listen on an IPv4
 * address and port, and which inodes a process holds open. One reader for "who listens here"
 * (refusing a held VIP:port at save) and "is it our SE" (the VS Test).
 */
const LISTEN = "0A";

/** /proc/net/tcp writes an IPv4 address as one little-endian 32-bit hex word. */
function ipv4FromHex(hex: string): string {
  return [6, 4, 2, 0].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)).join(".");
}

function hexOf(ipv4: string): string {
  return ipv4
    .split(".")
    .reverse()
    .map((n) => Number(n).toString(16).padStart(2, "0").toUpperCase())
    .join("");
}

/**
 * Inodes of LISTEN sockets on vip:port. With `wildcards`, sockets on 0.0.0.0 / [::] count too (they
 * hold every address, so a new bind on vip:port would fail); without, only that exact address.
 */
export function listeningInodes(vip: string, port: number, opts: { wildcards: boolean }): Set<string> {
  const inodes = new Set<string>();
  const sources = [
    ["/proc/net/tcp", opts.wildcards ? ["0.0.0.0"] : []],
    [
      "/proc/net/tcp6",
      opts.wildcards
        ? ["00000000000000000000000000000000", `0000000000000000FFFF0000${hexOf(vip)}`]
        : [`0000000000000000FFFF0000${hexOf(vip)}`],
    ],
  ] as const;
  for (const [file, alsoMatch] of sources) {
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
      if (addr === vip || (alsoMatch as readonly string[]).includes(addr)) inodes.add(f[9]!);
    }
  }
  return inodes;
}

/** Socket inodes a process holds open (empty when it is gone or not ours to read). */
export function socketInodesOf(pid: number | string): string[] {
  const dir = `/proc/${pid}/fd`;
  let fds: string[];
  try {
    fds = readdirSync(dir);
  } catch {
    return [];
  }
  return fds.flatMap((fd) => {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`${dir}/${fd}`));
      return match ? [match[1]!] : [];
    } catch {
      return []; // closed meanwhile
    }
  });
}
