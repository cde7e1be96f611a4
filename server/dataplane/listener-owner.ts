import { listeningInodes, socketInodesOf } from "./proc-sockets";

/**
 * True when every listener on exactly ip:port is a socket open in one of `pids` (and there is one).
 * nginx's master keeps every listening socket open (its workers inherit them), so "all listeners of
 * VIP:port are held by this SE's master" means a connection to VIP:port reaches that SE and no
 * other program (SO_REUSEPORT lets several sockets share one address).
 */
export function listenersHeldBy(ip: string, port: number, pids: number[]): boolean {
  const inodes = listeningInodes(ip, port, { wildcards: false });
  if (inodes.size === 0) return false;
  const held = new Set(pids.flatMap(socketInodesOf));
  return [...inodes].every((inode) => held.has(inode));
}
