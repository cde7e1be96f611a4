import path from "node:path";

export interface UnitOptions {
  /** The project folder (holds scripts/start.sh). */
  root: string;
  /** The account the console runs as; root lets it run each SE group as its own user. */
  user: string;
  dataDir: string;
  /** Optional settings file (VAR=value lines), read by systemd if present. */
  envFile: string;
  /** The node binary: its folder goes first on PATH (npm and node for scripts/start.sh). */
  nodePath: string;
}

/** A systemd value with spaces or quotes, quoted as systemd.syntax(7) reads it. */
function quote(value: string): string {
  return /[\s"'\\]/.test(value) ? `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"` : value;
}

function under(dir: string, parent: string): boolean {
  const rel = path.relative(parent, dir);
  return rel === "" || (!rel.startsWith("..") && !path.isAbsolute(rel));
}

/**
 * The unit `hsm-console service install` writes: `npm start`'s script (installs what is missing,
 * builds when the sources changed, then serves) as the given user, restarted on failure. The
 * hardening keeps what service engines and HSM libraries need: a root console creates the SE users
 * (useradd writes /etc, so /etc stays writable for it) and starts nginx through setpriv with an
 * ambient capability, which no_new_privs allows; Node's JIT needs W+X pages
 * (no MemoryDenyWriteExecute); USB and PCIe HSMs are devices (no PrivateDevices, and no ProtectClock,
 * which brings a device allow-list with it).
 */
export function renderSystemdUnit(o: UnitOptions): string {
  const asRoot = o.user === "root";
  const inHome = [o.root, o.dataDir, o.envFile].some((p) => under(p, "/home") || under(p, "/root"));
  const pathVar = [
    path.dirname(o.nodePath),
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
  ];
  const lines = [
    "[Unit]",
    "Description=HSM Console (TLS load balancing with keys in HSMs)",
    `Documentation=file://${path.join(o.root, "README.md")}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "",
    "[Service]",
    "Type=simple",
    `User=${o.user}`,
    `WorkingDirectory=${quote(o.root)}`,
    `Environment=${quote(`HSM_CONSOLE_DATA=${o.dataDir}`)}`,
    `Environment=${quote(`PATH=${[...new Set(pathVar)].join(":")}`)}`,
    `EnvironmentFile=-${quote(o.envFile)}`,
    `ExecStart=/bin/bash ${quote(path.join(o.root, "scripts", "start.sh"))}`,
    "Restart=on-failure",
    "RestartSec=5",
    // SEs (nginx, p11-kit servers) are children in the unit's cgroup: stopped with it.
    "KillMode=control-group",
    "TimeoutStopSec=30",
    "LimitNOFILE=65536",
    "NoNewPrivileges=yes",
    `ProtectSystem=${asRoot ? "true" : "full"}`,
    ...(inHome ? [] : ["ProtectHome=yes"]),
    "PrivateTmp=yes",
    "ProtectKernelTunables=yes",
    "ProtectKernelModules=yes",
    "ProtectKernelLogs=yes",
    "ProtectControlGroups=yes",
    "ProtectHostname=yes",
    "RestrictSUIDSGID=yes",
    "RestrictRealtime=yes",
    "RestrictNamespaces=yes",
    "LockPersonality=yes",
    "SystemCallArchitectures=native",
    "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "",
  ];
  return lines.join("\n");
}
