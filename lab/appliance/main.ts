import fs from "node:fs";
import { parseArgs } from "node:util";
import { AdminApi } from "./admin-api";
import { Appliance } from "./appliance";
import { readConfig } from "./config";
import { startControlSocket } from "./control-socket";
import { NtlsFront } from "./ntls-front";
import { appliancePaths } from "./paths";
import { ensureAdminCredentials } from "./secrets";
import { ensureServerCert } from "./server-cert";
import { ensureSofthsmConf } from "./softhsm";

/**
 * One appliance = this process (NTLS front, admin API, console socket) plus one `p11-kit remote`
 * child per NTLS connection, all in one process group. Usage:
 *   node --import tsx lab/appliance/main.ts --dir <dataDir>/lab/<name> [--exit-with-stdin]
 * Prints "READY" when every listener is up. With --exit-with-stdin it exits when its parent's
 * pipe closes, so a crashed console leaves no orphan appliance behind.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { dir: { type: "string" }, "exit-with-stdin": { type: "boolean" } },
  });
  if (!values.dir) throw new Error("--dir is required");
  const paths = appliancePaths(values.dir);
  const config = readConfig(paths);
  ensureSofthsmConf(paths);
  // Before any PKCS#11 load or child process: SoftHSM reads it at C_Initialize.
  process.env.SOFTHSM2_CONF = paths.softhsmConf;
  fs.mkdirSync(paths.home, { recursive: true });
  const logStream = fs.createWriteStream(paths.log, { flags: "a", mode: 0o600 });
  const log = (line: string) => logStream.write(`${new Date().toISOString()} ${line}\n`);

  const identity = await ensureServerCert(paths, config);
  const credentials = ensureAdminCredentials(paths);
  const appliance = new Appliance(paths, config, identity);
  for (const line of appliance.retireInTokenDomainKeys()) log(line);
  const front = new NtlsFront({
    host: config.host,
    port: config.ntlsPort,
    identity,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    idleTimeoutMs: config.idleTimeoutMs,
    answerTimeoutMs: config.answerTimeoutMs,
    authorize: (der) => appliance.authorizeNtls(der),
    log,
  });
  const api = new AdminApi(appliance, {
    host: config.host,
    port: config.adminPort,
    identity,
    credentials,
    handshakeTimeoutMs: config.handshakeTimeoutMs,
    log,
  });
  appliance.setHooks({
    onAccessRemoved: (client) => front.dropClient(client),
    onIdentityChanged: (next) => {
      front.setIdentity(next);
      api.setIdentity(next);
      // Established links were authenticated against the old certificate: end them too.
      front.dropAll();
    },
  });
  await front.listen();
  await api.listen();
  const control = await startControlSocket(appliance, paths.controlSocket);
  fs.writeFileSync(paths.pid, `${process.pid}\n`);
  log(
    `appliance ${config.name} up: ntls ${config.host}:${config.ntlsPort}, api ${config.host}:${config.adminPort}`,
  );

  let stopping = false;
  const stop = async (why: string) => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${why})`);
    control.close();
    await Promise.race([Promise.all([front.close(), api.close()]), new Promise((r) => setTimeout(r, 2000))]);
    fs.rmSync(paths.pid, { force: true });
    logStream.end(() => process.exit(0));
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
  if (values["exit-with-stdin"]) {
    process.stdin.on("end", () => void stop("parent gone"));
    process.stdin.on("error", () => void stop("parent gone"));
    process.stdin.resume();
  }
  process.stdout.write("READY\n");
}

main().catch((error: unknown) => {
  process.stderr.write(
    `appliance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
