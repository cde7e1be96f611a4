import { execFile } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface SelfSignedPem {
  certPem: string;
  keyPem: string;
}

/**
 * A self-signed EC P-256 certificate made by the `openssl` command, as an appliance's
 * `sysconf regenCert` makes its server.pem. The lab's own on purpose: the console makes its
 * certificates with its own code (server/ntls/self-signed.ts), so a bug in one is caught by the
 * other side's tests instead of passing both.
 */
export async function opensslSelfSigned(commonName: string, host?: string): Promise<SelfSignedPem> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-cert-"));
  try {
    const keyPath = path.join(dir, "key.pem");
    const certPath = path.join(dir, "cert.pem");
    await run("openssl", [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:P-256",
      "-nodes",
      "-keyout",
      keyPath,
      "-out",
      certPath,
      "-days",
      "365",
      "-subj",
      `/CN=${commonName}`,
      "-addext",
      "basicConstraints=critical,CA:FALSE",
      "-addext",
      "keyUsage=critical,digitalSignature,keyEncipherment",
      ...(host ? ["-addext", `subjectAltName=${net.isIP(host) ? "IP" : "DNS"}:${host}`] : []),
    ]);
    return { certPem: fs.readFileSync(certPath, "utf8"), keyPem: fs.readFileSync(keyPath, "utf8") };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
