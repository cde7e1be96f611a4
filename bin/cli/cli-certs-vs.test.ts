import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startConsole, type TestConsole } from "./testing/console";

/**
 * Certificates (create, import PEM / encrypted PEM / PKCS#12, renew) and a virtual service
 * configured in its sub-mode, against a running console and its built-in SoftHSM group.
 */
let c: TestConsole;
let pool: http.Server;
const PASSPHRASE = "key-passphrase-never-shown";
const cli = (args: string[]) => c.cli(args);
const cert = async (name: string) =>
  (await c.api("GET", `/api/sslkeyandcertificate?name=${name}`)).json.results[0];

beforeAll(async () => {
  c = await startConsole();
  pool = http.createServer((_req, res) => res.end("hello from the pool"));
  await new Promise<void>((resolve) => pool.listen(0, "127.0.0.1", resolve));
  // Key material made outside the console, as an administrator would bring it.
  const sh = (args: string[]) => execFileSync("openssl", args, { cwd: c.home, stdio: "ignore" });
  sh(
    ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"].concat([
      "-keyout",
      "key.pem",
      "-out",
      "cert.pem",
      "-days",
      "30",
      "-subj",
      "/CN=imported.example",
    ]),
  );
  sh(["pkey", "-in", "key.pem", "-aes256", "-passout", `pass:${PASSPHRASE}`, "-out", "key-enc.pem"]);
  sh(
    ["pkcs12", "-export", "-inkey", "key.pem", "-in", "cert.pem", "-passout", `pass:${PASSPHRASE}`].concat([
      "-out",
      "bundle.p12",
    ]),
  );
}, 420_000);

afterAll(() => {
  pool?.close();
  c?.stop();
});

describe("certificates and virtual services from the CLI", () => {
  it("configure serviceenginegroup Default-Group hardwaresecuritymodulegroup_ref Local-SoftHSM", async () => {
    const run = await cli([
      "-c",
      "configure serviceenginegroup Default-Group hardwaresecuritymodulegroup_ref Local-SoftHSM",
    ]);
    expect(run.code, run.stderr).toBe(0);
    const group = (await c.api("GET", "/api/serviceenginegroup?name=Default-Group")).json.results[0];
    expect(group.hsmGroupName).toBe("Local-SoftHSM");
  });

  it("create sslkeyandcertificate: self-signed EC and an RSA CSR, keys in the HSM group", async () => {
    const ec = await cli([
      "-c",
      "create sslkeyandcertificate web-ec type self_signed hsm_group Local-SoftHSM key_type ec curve P-256 " +
        "common_name www.example.com san www.example.com san 127.0.0.75 validity_days 90",
    ]);
    expect(ec.code, ec.stderr).toBe(0);
    expect(ec.stdout).toMatch(/\| status +\| active/);
    expect(await cert("web-ec")).toMatchObject({
      status: "active",
      type: "self-signed",
      keyAlgorithm: "EC",
      keyCurve: "P-256",
      hsmGroupName: "Local-SoftHSM",
      dnsNames: ["www.example.com"],
      ipAddresses: ["127.0.0.75"],
    });
    const csr = await cli([
      "-c",
      "create sslkeyandcertificate web-rsa type csr hsm_group Local-SoftHSM key_type rsa key_size 2048 common_name rsa.example",
    ]);
    expect(csr.code, csr.stderr).toBe(0);
    expect(await cert("web-rsa")).toMatchObject({ status: "awaiting-certificate", keyBits: 2048 });

    const noCn = await cli(["-c", "create sslkeyandcertificate bad type self_signed key_type ec"]);
    expect(noCn.code).toBe(1);
    expect(noCn.stderr).toMatch(/^common_name: Enter the common name \(CN\)\./);
    const noGroup = await cli([
      "-c",
      "create sslkeyandcertificate bad type csr hsm_group nope common_name x",
    ]);
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr).toMatch(
      /^hsm_group: there is no hardwaresecuritymodulegroup named "nope"\. Choices: Local-SoftHSM/,
    );
    expect(await cert("bad")).toBeUndefined();
  });

  it("import sslkeyandcertificate: PEM, encrypted PEM with key_passphrase, PKCS#12", async () => {
    const plain = await cli([
      "-c",
      "import sslkeyandcertificate imp-pem key file:key.pem certificate file:cert.pem hsm_group Local-SoftHSM",
    ]);
    expect(plain.code, plain.stderr).toBe(0);
    const enc = await cli([
      "-c",
      `import sslkeyandcertificate imp-enc key file:key-enc.pem key_passphrase ${PASSPHRASE} certificate file:cert.pem hsm_group Local-SoftHSM`,
    ]);
    expect(enc.code, enc.stderr).toBe(0);
    const p12 = await cli([
      "-c",
      `import sslkeyandcertificate imp-p12 pkcs12 file:bundle.p12 password ${PASSPHRASE} hsm_group Local-SoftHSM`,
    ]);
    expect(p12.code, p12.stderr).toBe(0);
    for (const name of ["imp-pem", "imp-enc", "imp-p12"]) {
      expect(await cert(name)).toMatchObject({
        status: "active",
        keyOrigin: "imported",
        subjectCn: "imported.example",
        hsmGroupName: "Local-SoftHSM",
      });
    }
    const wrong = await cli([
      "-c",
      "import sslkeyandcertificate imp-wrong key file:key-enc.pem key_passphrase not-it certificate file:cert.pem",
    ]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^key_passphrase: /);
    expect(await cert("imp-wrong")).toBeUndefined();
  });

  it("renew sslkeyandcertificate writes a CSR for the same key", async () => {
    const run = await cli(["-c", "renew sslkeyandcertificate web-ec"]);
    expect(run.code, run.stderr).toBe(0);
    const csr = fs.readFileSync(path.join(c.home, "web-ec.csr"), "utf8");
    expect(csr).toContain("BEGIN CERTIFICATE REQUEST");
    const subject = execFileSync("openssl", ["req", "-noout", "-subject"], { input: csr }).toString();
    expect(subject).toContain("www.example.com");
  });

  it("configure virtualservice in its sub-mode, then serves TLS with the HSM key", async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const poolPort = (pool.address() as AddressInfo).port;
    const bad = await cli([
      "-c",
      "configure virtualservice vs1; vip 127.0.0.75; services port 70000 enable_ssl; save",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^services \(entry 1\): Use a port from 1 to 65535/);
    const run = await cli([
      "-c",
      [
        "configure virtualservice vs1",
        "vip 127.0.0.75",
        `services port ${port} enable_ssl`,
        "ssl_key_and_certificate_ref web-ec",
        `pool_server 127.0.0.1:${poolPort}`,
        "se_group_ref Default-Group",
        "save",
      ].join("\n"),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const vs = (await c.api("GET", "/api/virtualservice?name=vs1")).json.results[0];
    expect(vs).toMatchObject({
      vip: "127.0.0.75",
      ports: [{ port, ssl: true }],
      certificateName: "web-ec",
      pool: [{ host: "127.0.0.1", port: poolPort }],
      seGroupName: "Default-Group",
    });
    const reboot = await cli(["-c", "reboot serviceengine se-1"]);
    expect(reboot.code, reboot.stderr).toBe(0);
    const test = await cli(["--json", "-c", "test virtualservice vs1"]);
    expect(test.code, test.stderr).toBe(0);
    expect(JSON.parse(test.stdout)).toMatchObject({ ok: true, httpStatus: 200, body: "hello from the pool" });
  });

  it("never prints a passphrase", () => {
    for (const run of c.runs) expect(run.stdout + run.stderr).not.toContain(PASSPHRASE);
  });
});
