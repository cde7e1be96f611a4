import type { RunAs } from "./process";

/**
 * As root, nginx starts as the SE user through setpriv (util-linux) with one capability kept,
 * CAP_NET_BIND_SERVICE (ambient, so it survives the exec): VIPs on 443 and other ports below
 * 1024 work while nginx still runs entirely unprivileged otherwise (what systemd's
 * AmbientCapabilities= does for a hardened nginx). setpriv execs nginx, so the pid is nginx's.
 * `nginx -t` needs it too: the test binds every listen address.
 */
export function nginxCommand(nginxArgs: string[], runAs: RunAs | null): [string, string[]] {
  if (!runAs) return ["nginx", nginxArgs];
  return [
    "setpriv",
    [
      `--reuid=${runAs.uid}`,
      `--regid=${runAs.gid}`,
      "--clear-groups",
      "--inh-caps=+net_bind_service",
      "--ambient-caps=+net_bind_service",
      "--",
      "nginx",
      ...nginxArgs,
    ],
  ];
}

/** nginx gets CAP_NET_BIND_SERVICE exactly when SEs run as another user: when the console is root. */
export function canBindLowPorts(): boolean {
  return process.getuid?.() === 0;
}
