/** Test-only helper: makes keys and certificates with the openssl CLI in a temp folder. */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export class OpensslDir {
  readonly dir = mkdtempSync(path.join(tmpdir(), "certs-test-"));

  path(name: string): string {
    return path.join(this.dir, name);
  }

  run(...args: string[]): string {
    return execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "pipe", "pipe"] }).toString();
  }

  read(name: string): string {
    return readFileSync(this.path(name), "utf8");
  }

  readBuffer(name: string): Buffer {
    return readFileSync(this.path(name));
  }

  write(name: string, text: string): void {
    writeFileSync(this.path(name), text);
  }

  ecKey(name: string, curve = "P-256"): string {
    this.run("genpkey", "-algorithm", "EC", "-pkeyopt", `ec_paramgen_curve:${curve}`, "-out", name);
    return this.read(name);
  }

  rsaKey(name: string, bits = 2048): string {
    this.run("genpkey", "-algorithm", "RSA", "-pkeyopt", `rsa_keygen_bits:${bits}`, "-out", name);
    return this.read(name);
  }

  /** Self-signed certificate for `key`; `extra` are more `req -x509` arguments (e.g. -addext). */
  selfSigned(key: string, out: string, subject: string, extra: string[] = [], days = "365"): string {
    this.run("req", "-x509", "-new", "-key", key, "-out", out, "-subj", subject, "-days", days, ...extra);
    return this.read(out);
  }

  /** Certificate for `key` signed by `caCert`/`caKey`, with an extensions text. */
  signed(
    key: string,
    out: string,
    subject: string,
    caCert: string,
    caKey: string,
    ext: string,
    days = "365",
  ): string {
    const base = out.replace(/\W/g, "_");
    this.run("req", "-new", "-key", key, "-out", `${base}.csr`, "-subj", subject);
    return this.signCsr(`${base}.csr`, out, caCert, caKey, ext, days);
  }

  /** Signs a CSR file as the CA `caCert`/`caKey` would, with an extensions text. */
  signCsr(csr: string, out: string, caCert: string, caKey: string, ext: string, days = "365"): string {
    const extFile = `${out.replace(/\W/g, "_")}.ext`;
    this.write(extFile, ext);
    this.run(
      "x509",
      "-req",
      "-in",
      csr,
      "-CA",
      caCert,
      "-CAkey",
      caKey,
      "-CAcreateserial",
      "-out",
      out,
      "-days",
      days,
      "-extfile",
      extFile,
    );
    return this.read(out);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const LEAF_EXT =
  "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n" +
  "subjectAltName=DNS:www.example.com,IP:192.0.2.10\n";
export const CA_EXT = "basicConstraints=critical,CA:TRUE\nkeyUsage=keyCertSign,cRLSign\n";
