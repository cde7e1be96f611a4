import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ApplianceInfo, type Lab, startLab } from "@/lab";
import { SOFTHSM_MODULE } from "@/lab/appliance/softhsm";
import { ATTACKS, runAttack } from "@/lab/testing/attacks";
import { type TestClient, uploadCert } from "@/lab/testing/clients";
import { p11Script, pkcs11Tool } from "@/lab/testing/pkcs11";
import { tempDir } from "@/lab/testing/run";
import { type CloneEndpoint, cloneExport, cloneImport } from "../clone-client";
import type { NtlsConnector } from "../connector";
import { connect, makeClient } from "../testing/lab-client";

/**
 * Key custody on lab appliances (issue #13): the appliance clones inside itself, so a partition
 * user — here the strongest one: partition password AND the appliance's SoftHSM token loaded
 * directly, not through NTLS — finds no domain key to wrap or unwrap with, on the member that
 * generated an HA key and on the replica it was cloned to.
 */
describe("lab appliances: extraction attacks on a cloned key", () => {
  let dir: string;
  let lab: Lab;
  let client: TestClient;
  const connectors: NtlsConnector[] = [];
  const KEY = "c7";

  const hsm = (i: number) => lab.appliances[i]!;
  const pin = (a: ApplianceInfo) => a.partitions[0]!.password;
  const partition = (a: ApplianceInfo) => a.partitions[0]!.label;
  const endpoint = (a: ApplianceInfo): CloneEndpoint => ({
    host: a.ntls.host,
    port: Number(new URL(a.adminUrl).port),
    serverCertPem: fs.readFileSync(a.serverPemPath, "utf8"),
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    partition: partition(a),
    password: pin(a),
  });

  beforeAll(async () => {
    dir = tempDir("lab-custody");
    lab = await startLab({
      dataDir: dir,
      appliances: [
        { name: "hsm1", host: "127.0.122.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
        { name: "hsm2", host: "127.0.122.13", ntlsPort: 11792, adminPort: 18443, partitions: ["par40"] },
      ],
    });
    client = await makeClient("custody-client");
    for (const i of [0, 1]) {
      const a = hsm(i);
      uploadCert(a, client);
      expect((await lab.lunash(a.name, "client register -c custody-client -i 10.0.0.7")).result).toBe(0);
      expect(
        (await lab.lunash(a.name, `client assignPartition -c custody-client -p ${partition(a)}`)).result,
      ).toBe(0);
      connectors.push(await connect(a, client, dir));
    }
    await p11Script(connectors[0]!.socketPath, {
      op: "genkey",
      token: "par43",
      pin: pin(hsm(0)),
      idHex: KEY,
      type: "RSA",
      cloneable: true,
    });
    const { blob } = await cloneExport({ ...endpoint(hsm(0)), idHex: KEY });
    await cloneImport({ ...endpoint(hsm(1)), blob });
  });

  afterAll(async () => {
    await Promise.all(connectors.map((c) => c.close()));
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("the partitions hold no cloning-domain key, and the vault is no slot a client sees", async () => {
    for (const i of [0, 1]) {
      const listed = await pkcs11Tool(connectors[i]!.socketPath, ["-O", "--login", "--pin", pin(hsm(i))]);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).not.toMatch(/Secret Key Object/);
      const slots = await pkcs11Tool(connectors[i]!.socketPath, ["-L"]);
      expect(slots.stdout).not.toContain("appliance-vault");
    }
  });

  it("the clone still works: the replica signs (cloning happens inside the appliance)", async () => {
    const signed = await p11Script(connectors[1]!.socketPath, {
      op: "sign",
      token: "par40",
      pin: pin(hsm(1)),
      idHex: KEY,
      type: "RSA",
      dataB64: Buffer.from("custody").toString("base64"),
    });
    expect(String(signed.sigB64).length).toBeGreaterThan(300);
  });

  for (const name of ATTACKS) {
    for (const [i, role] of [
      [0, "the generating member"],
      [1, "the replica"],
    ] as const) {
      it(`${name} is refused on ${role} (token loaded directly with the partition password)`, async () => {
        const a = hsm(i);
        const result = await runAttack(
          {
            attack: name,
            module: SOFTHSM_MODULE,
            token: partition(a),
            pin: pin(a),
            idHex: KEY,
            domainLabel: "cloning-domain",
          },
          { SOFTHSM2_CONF: path.join(a.dir, "softhsm2.conf") },
        );
        expect(result, `${name} on ${role}`).toMatchObject({ outcome: "refused" });
      });
    }
  }
});
