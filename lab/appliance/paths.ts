import path from "node:path";

/** The console's data folder: --data-dir, else $HSM_CONSOLE_DATA, else ./data of the repository. */
export function resolveDataDir(flag: string | undefined): string {
  return path.resolve(flag ?? process.env.HSM_CONSOLE_DATA ?? path.join(__dirname, "..", "..", "data"));
}

/** Everything an appliance owns lives under one folder: <dataDir>/lab/<name>/. */
export interface AppliancePaths {
  dir: string;
  config: string;
  softhsmConf: string;
  tokens: string;
  /** The admin's home folder, where `scp` would put <client>.pem and find server.pem. */
  home: string;
  serverPem: string;
  serverKey: string;
  clients: string;
  partitions: string;
  /** PINs of the appliance's own token holding its cloning-domain keys (vault.ts). */
  vault: string;
  admin: string;
  controlSocket: string;
  log: string;
  pid: string;
}

export function appliancePaths(dir: string): AppliancePaths {
  const home = path.join(dir, "home");
  return {
    dir,
    config: path.join(dir, "appliance.json"),
    softhsmConf: path.join(dir, "softhsm2.conf"),
    tokens: path.join(dir, "tokens"),
    home,
    serverPem: path.join(home, "server.pem"),
    serverKey: path.join(dir, "server.key"),
    clients: path.join(dir, "clients.json"),
    partitions: path.join(dir, "partitions.json"),
    vault: path.join(dir, "vault.json"),
    admin: path.join(dir, "admin.json"),
    controlSocket: path.join(dir, "lunash.sock"),
    log: path.join(dir, "appliance.log"),
    pid: path.join(dir, "appliance.pid"),
  };
}
