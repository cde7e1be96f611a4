import { createPublicKey, verify } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApplianceInfo, type Lab, startLab } from "@/lab";
import { AppError } from "@/lib/errors";
import type { TestClient } from "@/lab/testing/clients";
import { uploadCert } from "@/lab/testing/clients";
import { p11Script, pkcs11Tool } from "@/lab/testing/pkcs11";
import { tempDir } from "@/lab/testing/run";
import { type CloneEndpoint, cloneExport, cloneImport } from "../clone-client";
import type { NtlsConnector } from "../connector";
import { connect, makeClient } from "../testing/lab-client";

/**
 * HA key replication: a key pair cloned hsm1 → hsm2 inside one cloning domain signs on hsm2,
 * the signature verifies with hsm1's public key, and the copy cannot be extracted.
 */
describe("cloning between appliances of one domain", () => {
  let dir: string;
  let lab: Lab;
  let client: TestClient;
  let c1: NtlsConnector;
  let c2: NtlsConnector;
  const connectors: NtlsConnector[] = [];

  const hsm1 = () => lab.appliances[0]!;
  const hsm2 = () => lab.appliances[1]!;
  const pin = (a: ApplianceInfo, label: string) => a.partitions.find((p) => p.label === label)!.password;
  const endpoint = (a: ApplianceInfo, partition: string, who: TestClient = client): CloneEndpoint => ({
    host: a.ntls.host,
    port: Number(new URL(a.adminUrl).port),
    serverCertPem: fs.readFileSync(a.serverPemPath, "utf8"),
    clientCertPem: who.certPem,
    clientKeyPem: who.keyPem,
    partition,
    password: pin(a, partition),
  });

  beforeAll(async () => {
    dir = tempDir("lab-clone");
    lab = await startLab({
      dataDir: dir,
      appliances: [
        { name: "hsm1", host: "127.0.83.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
        { name: "hsm2", host: "127.0.83.13", ntlsPort: 11792, adminPort: 18443, partitions: ["par40"] },
      ],
    });
    // A partition in a domain of its own, on the same target appliance.
    const other = await lab.lunash("hsm2", "partition create -p other");
    expect(other.result, other.output).toBe(0);
    lab.appliances[1] = lab.info("hsm2"); // re-read: it has a new partition
    client = await makeClient("ha-client");
    for (const [name, parts] of [
      ["hsm1", ["par43"]],
      ["hsm2", ["par40", "other"]],
    ] as const) {
      uploadCert(name === "hsm1" ? hsm1() : hsm2(), client);
      expect((await lab.lunash(name, "client register -c ha-client -i 10.0.0.5")).result).toBe(0);
      for (const p of parts)
        expect((await lab.lunash(name, `client assignPartition -c ha-client -p ${p}`)).result).toBe(0);
    }
    c1 = await connect(hsm1(), client, dir);
    c2 = await connect(hsm2(), client, dir);
    connectors.push(c1, c2);
  });

  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const [type, idHex] of [
    ["EC", "0a"],
    ["RSA", "0b"],
  ] as const) {
    it(`clones an ${type} key: the copy signs, verifies with the source public key, is non-extractable`, async () => {
      await p11Script(c1.socketPath, {
        op: "genkey",
        token: "par43",
        pin: pin(hsm1(), "par43"),
        idHex,
        type,
        cloneable: true,
      });
      const { blob } = await cloneExport({ ...endpoint(hsm1(), "par43"), idHex });
      expect(blob).not.toContain("PRIVATE KEY");
      await cloneImport({ ...endpoint(hsm2(), "par40"), blob });

      const data = Buffer.from(`replicated ${type} key`);
      const signed = await p11Script(c2.socketPath, {
        op: "sign",
        token: "par40",
        pin: pin(hsm2(), "par40"),
        idHex,
        type,
        dataB64: data.toString("base64"),
      });
      const pubFile = path.join(dir, `pub-${idHex}.der`);
      const read = await pkcs11Tool(c1.socketPath, [
        ...["--token-label", "par43", "--read-object", "--type", "pubkey", "--id", idHex, "-o", pubFile],
      ]);
      expect(read.code, read.stderr).toBe(0);
      const sourcePublic = createPublicKey({ key: fs.readFileSync(pubFile), format: "der", type: "spki" });
      const sig = Buffer.from(String(signed.sigB64), "base64");
      const keyObj = type === "EC" ? { key: sourcePublic, dsaEncoding: "ieee-p1363" as const } : sourcePublic;
      expect(verify("sha256", data, keyObj, sig)).toBe(true);

      const attrs = await p11Script(c2.socketPath, {
        op: "attrs",
        token: "par40",
        pin: pin(hsm2(), "par40"),
        idHex,
      });
      expect(attrs).toEqual({ extractable: false, sensitive: true, private: true });
    });
  }

  it("a key generated non-extractable cannot be cloned", async () => {
    await p11Script(c1.socketPath, {
      op: "genkey",
      token: "par43",
      pin: pin(hsm1(), "par43"),
      idHex: "0c",
      type: "EC",
    });
    await expect(cloneExport({ ...endpoint(hsm1(), "par43"), idHex: "0c" })).rejects.toMatchObject({
      code: "HSM_KEY_POLICY",
    });
  });

  it("clone-import into a partition of another cloning domain fails", async () => {
    const { blob } = await cloneExport({ ...endpoint(hsm1(), "par43"), idHex: "0a" });
    await expect(cloneImport({ ...endpoint(hsm2(), "other"), blob })).rejects.toMatchObject({
      code: "HSM_KEY_POLICY",
    });
    // Even with the domain name forged, the other domain's key cannot unwrap it.
    const otherDomain = hsm2().partitions.find((p) => p.label === "other")!.cloningDomain;
    const forged = JSON.parse(Buffer.from(blob, "base64").toString("utf8"));
    forged.domain = otherDomain;
    forged.idHex = "7a";
    const forgedBlob = Buffer.from(JSON.stringify(forged)).toString("base64");
    const error = await cloneImport({ ...endpoint(hsm2(), "other"), blob: forgedBlob }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).message).toMatch(/could not unwrap/);
  });

  it("refuses a client without the partition password, or without access", async () => {
    const wrong = { ...endpoint(hsm1(), "par43"), password: "not-the-password", idHex: "0a" };
    await expect(cloneExport(wrong)).rejects.toMatchObject({ code: "HSM_PIN_INCORRECT" });
    const stranger = await makeClient("stranger");
    await expect(cloneExport({ ...endpoint(hsm1(), "par43", stranger), idHex: "0a" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      cloneExport({ ...endpoint(hsm2(), "par40"), partition: "nosuch", idHex: "0a" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
