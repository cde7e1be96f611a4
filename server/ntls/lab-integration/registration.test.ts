import { createHash, createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type TestClient, uploadCert } from "@/lab/testing/clients";
import { P11_KIT_CLIENT, pkcs11Tool, visibleTokens } from "@/lab/testing/pkcs11";
import { run } from "@/lab/testing/run";
import { useTestLab, waitForLog } from "@/lab/testing/test-lab";
import type { NtlsConnector } from "../connector";
import { checkNtlsRegistration } from "../registration-check";
import { connect, makeClient } from "../testing/lab-client";

/**
 * The document's Step 2 for real: register a client, assign a partition, and a PKCS#11 client
 * holding that certificate sees exactly that partition, makes a key and signs with it.
 */
describe("client registration gates NTLS access", () => {
  const t = useTestLab("lab-reg", {
    appliances: [
      {
        name: "hsm1",
        host: "127.0.81.11",
        ntlsPort: 11792,
        adminPort: 18443,
        partitions: ["par43", "par44"],
      },
    ],
  });
  const connectors = t.connectors;

  const hsm = () => t.lab().appliances[0]!;
  const identity = (c: TestClient) => ({
    host: hsm().ntls.host,
    port: Number(new URL(hsm().adminUrl).port),
    serverCertPem: fs.readFileSync(hsm().serverPemPath, "utf8"),
    clientCertPem: c.certPem,
    clientKeyPem: c.keyPem,
  });
  const track = (c: NtlsConnector) => {
    connectors.push(c);
    return c;
  };

  it("register, assign: the client lists exactly the assigned partition, generates a key and signs", async () => {
    const client = await makeClient("10.160.100.220");
    uploadCert(hsm(), client);
    const reg = await t.lab().lunash("hsm1", "client register -c 10.160.100.220 -i 10.160.100.220");
    expect(reg.output).toContain("'client register' successful.");
    expect(reg.output).toContain("Command Result : 0 (Success)");
    const assign = await t.lab().lunash("hsm1", "client assignPartition -c 10.160.100.220 -p par43");
    expect(assign.result).toBe(0);

    const conn = track(await connect(hsm(), client, t.dir()));
    const seen = await visibleTokens(conn.socketPath);
    expect(seen.labels).toEqual(["par43"]);
    expect(await checkNtlsRegistration(identity(client))).toEqual({
      clientID: "10.160.100.220",
      partitions: ["par43"],
    });

    const pin = hsm().partitions.find((p) => p.label === "par43")!.password;
    const base = ["--token-label", "par43", "--login", "--pin", pin];
    const gen = await pkcs11Tool(conn.socketPath, [
      ...base,
      "--keypairgen",
      "--key-type",
      "EC:prime256v1",
      "--id",
      "01",
      "--label",
      "k1",
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    const data = path.join(t.dir(), "data.bin");
    const sig = path.join(t.dir(), "sig.bin");
    const pub = path.join(t.dir(), "pub.der");
    const message = Buffer.from("hello from the service engine");
    // p11-kit's RPC carries CKM_ECDSA but not CKM_ECDSA_SHA256: hash here, sign the digest there.
    fs.writeFileSync(data, createHash("sha256").update(message).digest());
    const sign = await pkcs11Tool(conn.socketPath, [
      ...base,
      "--sign",
      "-m",
      "ECDSA",
      "--id",
      "01",
      "-i",
      data,
      "-o",
      sig,
    ]);
    expect(sign.code, sign.stderr).toBe(0);
    const read = await pkcs11Tool(conn.socketPath, [
      ...base,
      "--read-object",
      "--type",
      "pubkey",
      "--id",
      "01",
      "-o",
      pub,
    ]);
    expect(read.code, read.stderr).toBe(0);
    const key = createPublicKey({ key: fs.readFileSync(pub), format: "der", type: "spki" });
    expect(verify("sha256", message, { key, dsaEncoding: "ieee-p1363" }, fs.readFileSync(sig))).toBe(true);
  });

  it("openssl with the PKCS#11 engine signs through the NTLS link", async () => {
    const client = await makeClient("openssl-se");
    uploadCert(hsm(), client);
    await t.lab().lunash("hsm1", "client register -c openssl-se -i 10.0.0.41");
    await t.lab().lunash("hsm1", "client assignPartition -c openssl-se -p par44");
    const conn = track(await connect(hsm(), client, t.dir()));
    const env = {
      P11_KIT_SERVER_ADDRESS: `unix:path=${conn.socketPath}`,
      OPENSSL_CONF: path.join(t.dir(), "engine.cnf"),
    };
    fs.writeFileSync(
      env.OPENSSL_CONF,
      `openssl_conf = init\n[init]\nengines = engines\n[engines]\npkcs11 = pkcs11\n[pkcs11]\nengine_id = pkcs11\nMODULE_PATH = ${P11_KIT_CLIENT}\ninit = 0\n`,
    );
    const pin = hsm().partitions.find((p) => p.label === "par44")!.password;
    const gen = await pkcs11Tool(conn.socketPath, [
      ...["--token-label", "par44", "--login", "--pin", pin],
      ...["--keypairgen", "--key-type", "rsa:2048", "--id", "02", "--label", "web"],
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    const msg = path.join(t.dir(), "msg.txt");
    const sig = path.join(t.dir(), "msg.sig");
    fs.writeFileSync(msg, "GET / HTTP/1.1\r\n");
    const uri = `pkcs11:token=par44;id=%02;type=private;pin-value=${pin}`;
    const signed = await run(
      "openssl",
      ["dgst", "-sha256", "-engine", "pkcs11", "-keyform", "engine", "-sign", uri, "-out", sig, msg],
      env,
    );
    expect(signed.code, signed.stderr).toBe(0);
    const pub = path.join(t.dir(), "web.der");
    expect(
      (
        await pkcs11Tool(conn.socketPath, [
          "--token-label",
          "par44",
          "--read-object",
          "--type",
          "pubkey",
          "--id",
          "02",
          "-o",
          pub,
        ])
      ).code,
    ).toBe(0);
    const key = createPublicKey({ key: fs.readFileSync(pub), format: "der", type: "spki" });
    expect(verify("sha256", fs.readFileSync(msg), key, fs.readFileSync(sig))).toBe(true);
  });

  it("refuses a certificate that is not registered: the client fails at once instead of hanging", async () => {
    const stranger = await makeClient("stranger");
    const conn = track(await connect(hsm(), stranger, t.dir()));
    const seen = await visibleTokens(conn.socketPath);
    expect(seen.ok).toBe(false);
    expect(seen.labels).toEqual([]);
    expect(seen.timedOut).toBe(false); // ended by the closed link, not killed by run()
    const log = /refused .*not registered/;
    expect(await waitForLog(hsm(), log)).toMatch(log);
    // The console can ask why, with the same identity, on the admin API.
    await expect(checkNtlsRegistration(identity(stranger))).rejects.toMatchObject({
      code: "FORBIDDEN",
      message: expect.stringMatching(/is not registered/),
    });
  });

  it("refuses an expired registered certificate", async () => {
    const old = await makeClient("old", {
      notBefore: new Date(Date.now() - 3 * 86400_000),
      notAfter: new Date(Date.now() - 86400_000),
    });
    uploadCert(hsm(), old);
    expect((await t.lab().lunash("hsm1", "client register -c old -h old.example")).result).toBe(0);
    expect((await t.lab().lunash("hsm1", "client assignPartition -c old -p par44")).result).toBe(0);
    const conn = track(await connect(hsm(), old, t.dir()));
    const seen = await visibleTokens(conn.socketPath);
    expect(seen.ok).toBe(false);
    const log = /old: certificate expired/;
    expect(await waitForLog(hsm(), log)).toMatch(log);
    await expect(checkNtlsRegistration(identity(old))).rejects.toMatchObject({
      message: expect.stringMatching(/certificate expired/),
    });
  });

  it("bad input is refused in the appliance's words and changes nothing", async () => {
    const before = fs.readFileSync(path.join(hsm().dir, "clients.json"), "utf8");
    const dup = await makeClient("dup");
    uploadCert(hsm(), dup);
    fs.writeFileSync(path.join(hsm().dir, "home", "junk.pem"), "not a certificate\n");
    const cases: Array<[string, RegExp]> = [
      ["client assignPartition -c 10.160.100.220 -p nosuch", /Partition nosuch does not exist/],
      ["client register -c junk -i 10.0.0.9", /not a PEM X.509 certificate/],
      ["client register -c 10.160.100.220 -i 10.0.0.8 -f dup.pem", /already registered/],
      ["client register -c dup -i 10.0.0.300", /Invalid IP address "10.0.0.300"/],
      ["client assignPartition -c nobody -p par43", /Client nobody is not registered/],
      ["client assignPartition -c 10.160.100.220 -p par43", /already has access/],
    ];
    for (const [line, message] of cases) {
      const answer = await t.lab().lunash("hsm1", line);
      expect(answer.result, line).not.toBe(0);
      expect(answer.output, line).toMatch(/^Error: '.*' failed\./);
      expect(answer.output, line).toMatch(message);
      expect(answer.output, line).toContain("Command Result : 65535");
    }
    expect(fs.readFileSync(path.join(hsm().dir, "clients.json"), "utf8")).toBe(before);
  });

  it("after revokePartition the partition disappears for that client", async () => {
    const client = await makeClient("rev");
    uploadCert(hsm(), client);
    await t.lab().lunash("hsm1", "client register -c rev -i 10.0.0.21");
    await t.lab().lunash("hsm1", "client assignPartition -c rev -p par43");
    await t.lab().lunash("hsm1", "client assignPartition -c rev -p par44");
    const conn = track(await connect(hsm(), client, t.dir()));
    expect((await visibleTokens(conn.socketPath)).labels.sort()).toEqual(["par43", "par44"]);
    expect((await t.lab().lunash("hsm1", "client revokePartition -c rev -p par43")).result).toBe(0);
    expect((await visibleTokens(conn.socketPath)).labels).toEqual(["par44"]);
    const show = await t.lab().lunash("hsm1", "client show -c rev");
    expect(show.output).toMatch(/Partitions:\s+"par44"/);
  });

  it("after sysconf regenCert a client pinned to the old server.pem is refused", async () => {
    const client = await makeClient("pin");
    uploadCert(hsm(), client);
    await t.lab().lunash("hsm1", "client register -c pin -i 10.0.0.31");
    await t.lab().lunash("hsm1", "client assignPartition -c pin -p par44");
    const oldPem = fs.readFileSync(hsm().serverPemPath, "utf8");
    const before = track(await connect(hsm(), client, t.dir(), oldPem));
    expect((await visibleTokens(before.socketPath)).labels).toEqual(["par44"]);

    const regen = await t.lab().lunash("hsm1", "sysconf regenCert");
    expect(regen.result).toBe(0);
    const newPem = fs.readFileSync(hsm().serverPemPath, "utf8");
    expect(newPem).not.toBe(oldPem);
    expect((await visibleTokens(before.socketPath)).ok).toBe(false);

    const after = track(await connect(hsm(), client, t.dir(), newPem));
    expect((await visibleTokens(after.socketPath)).labels).toEqual(["par44"]);
  });
});
