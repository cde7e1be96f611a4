import { execFile } from "node:child_process";
import { createPublicKey, verify as nodeVerify } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PKCS11_ENGINE } from "../config/system-libraries";
import type { Pkcs11Client } from "./client";
import { clientFor, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";
import type { KeySpec } from "./types";
import { parsePkcs11Uri, pkcs11Uri } from "./uri";
import { createCsr, createSelfSignedCertificate, serialNumber } from "./x509";

const run = promisify(execFile);
let hsm: SoftHsmFixture;
let client: Pkcs11Client;
let opensslEnv: NodeJS.ProcessEnv;
const token = { label: "web tls" }; // a space: the URI must percent-encode it

beforeAll(async () => {
  hsm = await softHsmFixture([token.label]);
  client = clientFor(hsm.spec("x509-test"));
  await client.login(token, USER_PIN);
  const conf = path.join(hsm.dir, "openssl.cnf");
  await writeFile(
    conf,
    [
      "openssl_conf = openssl_init",
      "[openssl_init]",
      "engines = engine_section",
      "[engine_section]",
      "pkcs11 = pkcs11_section",
      "[pkcs11_section]",
      "engine_id = pkcs11",
      `dynamic_path = ${PKCS11_ENGINE}`,
      "MODULE_PATH = /usr/lib/softhsm/libsofthsm2.so",
      "",
    ].join("\n"),
  );
  opensslEnv = { ...process.env, SOFTHSM2_CONF: hsm.confPath, OPENSSL_CONF: conf };
});

afterAll(async () => {
  await client?.connection.close();
  await hsm?.cleanup();
});

describe("serial numbers", () => {
  it("are minimal positive DER INTEGERs", () => {
    expect(serialNumber("00007f").toString("hex")).toBe("7f");
    expect(serialNumber("80").toString("hex")).toBe("0080");
    expect(serialNumber("0000").toString("hex")).toBe("00");
    for (let i = 0; i < 200; i++) {
      const s = serialNumber();
      expect(s[0]).toBeGreaterThan(0);
      expect(s[0]).toBeLessThan(0x80);
    }
  });
});

describe("PKCS#11 URIs", () => {
  it("percent-encodes every id byte and reserved characters", () => {
    const uri = pkcs11Uri({ token: "a b;c", idHex: "00ff41", object: "k/1", type: "private" });
    expect(uri).toBe("pkcs11:token=a%20b%3bc;id=%00%ff%41;object=k%2f1;type=private");
    expect(parsePkcs11Uri(`${uri}?pin-value=1234`)).toEqual({
      token: "a b;c",
      id: "00ff41",
      object: "k/1",
      type: "private",
      "pin-value": "1234",
    });
  });
});

const specs: Array<[string, KeySpec]> = [
  ["rsa2048", { type: "RSA", bits: 2048 }],
  ["p256", { type: "EC", curve: "P-256" }],
  ["p384", { type: "EC", curve: "P-384" }],
];

describe.each(specs)("%s", (name, spec) => {
  const idHex = Buffer.from(`x-${name}`).toString("hex");
  let uri = "";

  beforeAll(async () => {
    uri = (await client.generateKeyPair({ token, idHex, label: `www ${name}`, spec })).uri;
  });

  it("self-signed certificate verifies with openssl verify", async () => {
    const cert = await createSelfSignedCertificate(client, {
      token,
      idHex,
      subject: `CN=www.${name}.example, O=HSM Console`,
      dnsNames: [`www.${name}.example`],
      ipAddresses: ["10.0.0.1"],
      days: 30,
    });
    const file = path.join(hsm.dir, `${name}.crt`);
    await writeFile(file, cert.pem);
    const { stdout } = await run("openssl", ["verify", "-CAfile", file, file]);
    expect(stdout).toContain(": OK");
    const text = (await run("openssl", ["x509", "-in", file, "-noout", "-text"])).stdout;
    expect(text).toContain(`DNS:www.${name}.example`);
    expect(text).toContain("IP Address:10.0.0.1");
    expect(text).toContain(`Subject: CN = www.${name}.example, O = HSM Console`);
    const spki = await client.getPublicKey(token, idHex);
    const certKey = (await run("openssl", ["x509", "-in", file, "-noout", "-pubkey"])).stdout;
    expect(createPublicKey(certKey).export({ type: "spki", format: "der" }).equals(spki)).toBe(true);
  });

  it("CSR verifies with openssl req -verify", async () => {
    const csr = await createCsr(client, {
      token,
      idHex,
      subject: `CN=api.${name}.example`,
      dnsNames: [`api.${name}.example`],
    });
    const file = path.join(hsm.dir, `${name}.csr`);
    await writeFile(file, csr.pem);
    const { stdout, stderr } = await run("openssl", ["req", "-in", file, "-noout", "-verify", "-text"]);
    expect(`${stdout}${stderr}`).toMatch(/verify OK|Certificate request self-signature verify OK/);
    expect(stdout).toContain(`DNS:api.${name}.example`);
  });

  it("openssl signs with the key through libengine-pkcs11-openssl and its URI", async () => {
    const data = path.join(hsm.dir, `${name}.data`);
    const sig = path.join(hsm.dir, `${name}.sig`);
    await writeFile(data, `payload for ${name}`);
    await run(
      "openssl",
      [
        "dgst",
        "-sha256",
        "-engine",
        "pkcs11",
        "-keyform",
        "engine",
        "-sign",
        `${uri}?pin-value=${USER_PIN}`,
        "-out",
        sig,
        data,
      ],
      { env: opensslEnv },
    );
    const { readFile } = await import("node:fs/promises");
    const publicKey = createPublicKey({
      key: await client.getPublicKey(token, idHex),
      format: "der",
      type: "spki",
    });
    expect(nodeVerify("sha256", await readFile(data), publicKey, await readFile(sig))).toBe(true);
  });
});
