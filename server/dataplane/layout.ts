import { createHash } from "node:crypto";
import path from "node:path";
import type { ServiceEngineSpec, VirtualServiceSpec } from "./types";

/**
 * Where everything of one SE lives inside its folder. Derived from the spec alone so that rendering
 * stays a pure function and a restarted console finds the same files (stale pid cleanup).
 */
export interface SeLayout {
  root: string;
  confDir: string;
  nginxConf: string;
  /** Candidate config checked with `nginx -t` before it replaces nginxConf. */
  nginxConfNext: string;
  opensslConf: string;
  certsDir: string;
  secretsDir: string;
  pinFile: string;
  logsDir: string;
  errorLog: string;
  accessLog: string;
  tmpDir: string;
  runDir: string;
  nginxPid: string;
  hsmPid: string;
  /** Socket of the p11-kit server the dataplane starts (softhsm access). */
  ownHsmSocket: string;
}

export function seLayout(dataDir: string): SeLayout {
  const root = path.resolve(dataDir);
  const confDir = path.join(root, "conf");
  const logsDir = path.join(root, "logs");
  const runDir = path.join(root, "run");
  const secretsDir = path.join(root, "secrets");
  return {
    root,
    confDir,
    nginxConf: path.join(confDir, "nginx.conf"),
    nginxConfNext: path.join(confDir, "nginx.conf.next"),
    opensslConf: path.join(confDir, "openssl.cnf"),
    certsDir: path.join(root, "certs"),
    secretsDir,
    pinFile: path.join(secretsDir, "pin"),
    logsDir,
    errorLog: path.join(logsDir, "error.log"),
    accessLog: path.join(logsDir, "access.log"),
    tmpDir: path.join(root, "tmp"),
    runDir,
    nginxPid: path.join(runDir, "nginx.pid"),
    hsmPid: path.join(runDir, "p11-kit-server.pid"),
    ownHsmSocket: path.join(runDir, "hsm.sock"),
  };
}

/** The socket p11-kit-client.so connects to for this spec. */
export function hsmSocketPath(spec: ServiceEngineSpec): string {
  return spec.hsm.kind === "socket" ? path.resolve(spec.hsm.socketPath) : seLayout(spec.dataDir).ownHsmSocket;
}

/** The PEM served by a VS: certificate then chain. */
export function certificateBundle(vs: VirtualServiceSpec): string {
  const parts = [vs.certificatePem ?? "", vs.chainPem ?? ""].map((p) => p.trim()).filter((p) => p !== "");
  return `${parts.join("\n")}\n`;
}

/**
 * Certificate file names carry a hash of their content: a candidate config never overwrites the
 * file the running config uses, so a failed check leaves the running config's files intact.
 */
export function certificateFile(dataDir: string, vs: VirtualServiceSpec): string {
  const hash = createHash("sha256").update(certificateBundle(vs)).digest("hex").slice(0, 16);
  return path.join(seLayout(dataDir).certsDir, `${vs.id}-${hash}.pem`);
}

/**
 * A virtual service's own error log at "info": nginx writes a failed TLS handshake there ("while SSL
 * handshaking"), which the notice-level error.log leaves out; counted by /metrics, rotated with
 * the others.
 */
export function tlsErrorLog(dataDir: string, vsId: string): string {
  return path.join(seLayout(dataDir).logsDir, `vs-${vsId}.error.log`);
}
