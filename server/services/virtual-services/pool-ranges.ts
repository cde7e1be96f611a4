import net from "node:net";
import { AppError } from "@/lib/errors";
import { env } from "@/server/config/env";

/**
 * Pool addresses a VS may not proxy to unless the host allows their network: link-local ranges
 * (where cloud metadata services answer, 169.254.169.254) and the other clouds' metadata
 * addresses. A pool there would let an operator make the SE fetch instance credentials.
 */
const FORBIDDEN: Array<[string, number, "ipv4" | "ipv6", string]> = [
  ["169.254.0.0", 16, "ipv4", "link-local (cloud metadata services such as 169.254.169.254)"],
  ["100.100.100.200", 32, "ipv4", "Alibaba Cloud's metadata service"],
  ["192.0.0.192", 32, "ipv4", "Oracle Cloud's metadata service"],
  ["fe80::", 10, "ipv6", "link-local"],
  ["fd00:ec2::254", 128, "ipv6", "AWS's IPv6 metadata service"],
];

function family(address: string): "ipv4" | "ipv6" {
  return net.isIPv6(address) ? "ipv6" : "ipv4";
}

function allowedNetworks(): net.BlockList {
  const list = new net.BlockList();
  for (const entry of env().HSM_CONSOLE_POOL_ALLOWED_NETWORKS.split(",")) {
    const [address, prefix] = entry.trim().split("/");
    if (address && prefix && net.isIP(address)) list.addSubnet(address, Number(prefix), family(address));
  }
  return list;
}

export function assertPoolAllowed(pool: { host: string; port: number }[]): void {
  const allowed = allowedNetworks();
  for (const server of pool) {
    const kind = family(server.host);
    const hit = FORBIDDEN.find(([address, prefix, fam]) => {
      if (fam !== kind) return false;
      const one = new net.BlockList();
      one.addSubnet(address, prefix, fam);
      return one.check(server.host, kind);
    });
    if (hit && !allowed.check(server.host, kind))
      throw new AppError(
        "VALIDATION",
        `Pool server ${server.host} is in a ${hit[3]} range, which pools may not use. If this network really hosts your servers, the console's administrator adds it to HSM_CONSOLE_POOL_ALLOWED_NETWORKS.`,
        { field: "pool" },
      );
  }
}
