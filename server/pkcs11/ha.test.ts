import { execFile } from "node:child_process";
import { createPublicKey, generateKeyPairSync, verify as nodeVerify, randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ManualClock } from "@/server/testing/manual-clock";
import type { Pkcs11Client } from "./client";
import { HaGroup } from "./ha";
import { type HaMember, wrapTransport } from "./ha-transports";
import {
  clientFor,
  installCloningKey,
  P11KitServer,
  poll,
  type SoftHsmFixture,
  softHsmFixture,
  USER_PIN,
} from "./testing/fixtures";
import { createSelfSignedCertificate } from "./x509";

const CLONING_KEY = "cloning-domain";
const lastHealthy = (g: HaGroup) => g.lastHealth().every((h) => h.reachable);
const run = promisify(execFile);

describe("HA over local members (AES key wrap under the cloning-domain key)", () => {
  const fixtures: SoftHsmFixture[] = [];
  const members: HaMember[] = [];
  /** Per member: its timeouts pass when a test advances its clock, never because the machine is busy. */
  const clocks = new Map<string, ManualClock>();
  const TIMEOUT = 2_000;
  let group: HaGroup;

  beforeAll(async () => {
    const domainKey = randomBytes(32);
    for (const label of ["ha-1", "ha-2"]) {
      const hsm = await softHsmFixture([label]);
      fixtures.push(hsm);
      await installCloningKey(hsm, [label], CLONING_KEY, domainKey);
      const clock = new ManualClock();
      clocks.set(label, clock);
      const client = clientFor(hsm.spec(label, { timeoutMs: TIMEOUT }), clock);
      await client.login({ label }, USER_PIN);
      members.push({ name: label, client, token: { label } });
    }
    domainKey.fill(0);
    group = new HaGroup({ name: "web-ha", members, transport: wrapTransport(CLONING_KEY) });
    await group.enable();
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.client.connection.close()));
    await Promise.all(fixtures.map((f) => f.cleanup()));
  });

  const member = (i: number) => members[i] as HaMember;

  it("generates on one member and replicates to the other: same id and label, copy non-extractable", async () => {
    const { key, replication } = await group.generateKeyPair({
      idHex: "a1",
      label: "www",
      spec: { type: "RSA", bits: 2048 },
    });
    expect(replication.failed).toEqual([]);
    expect(replication.replicatedTo).toHaveLength(1);
    expect(key).toMatchObject({ sensitive: true, extractable: true, wrapWithTrusted: true });
    const copyHolder = members.find((m) => m.name !== replication.source) as HaMember;
    const [copy] = await copyHolder.client.findKeys(copyHolder.token, { idHex: "a1" });
    expect(copy).toMatchObject({
      idHex: "a1",
      label: "www",
      sensitive: true,
      extractable: false,
      hasPublicKey: true,
    });
    const spki = await member(0).client.getPublicKey(member(0).token, "a1");
    expect((await member(1).client.getPublicKey(member(1).token, "a1")).equals(spki)).toBe(true);
    const data = Buffer.from("same key on both");
    const sig = await copyHolder.client.sign({
      token: copyHolder.token,
      idHex: "a1",
      algorithm: "RSASSA-PKCS1-v1_5",
      hash: "SHA-256",
      data,
    });
    expect(nodeVerify("sha256", data, createPublicKey({ key: spki, format: "der", type: "spki" }), sig)).toBe(
      true,
    );
  });

  it("the replicable source key can only be wrapped under the trusted key", async () => {
    let source: HaMember | undefined;
    for (const m of members)
      if ((await m.client.findKeys(m.token, { idHex: "a1" }))[0]?.extractable) source = m;
    if (!source) throw new Error("no source key");
    const probe = await source.client.connection.call("probePolicy", { token: source.token, idHex: "a1" });
    expect(probe.readSecret).toBe("CKR_ATTRIBUTE_SENSITIVE");
    expect(probe.wrap).toMatch(/^CKR_KEY_(NOT_WRAPPABLE|UNEXTRACTABLE)$/);
  });

  it("a certificate signed through the group verifies with openssl", async () => {
    const cert = await createSelfSignedCertificate(group, {
      token: group.virtualToken,
      idHex: "a1",
      subject: "CN=ha.example",
      dnsNames: ["ha.example"],
      days: 7,
    });
    const file = path.join(fixtures[0]?.dir ?? "", "ha.crt");
    await writeFile(file, cert.pem);
    expect((await run("openssl", ["verify", "-CAfile", file, file])).stdout).toContain(": OK");
  });

  it("EC keys replicate too", async () => {
    const { replication } = await group.generateKeyPair({
      idHex: "e1",
      label: "api",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(replication.failed).toEqual([]);
    for (const m of members) expect((await m.client.testKey(m.token, "e1")).ok).toBe(true);
  });

  it("a member that stops answering: signing continues on the other", async () => {
    const first = members.find((m) => m.name === group.memberOrder()[0]) as HaMember;
    const pid = first.client.connection.workerPid as number;
    process.kill(pid, "SIGSTOP");
    try {
      const data = Buffer.from("failover");
      const signing = group.sign({ idHex: "e1", algorithm: "ECDSA", hash: "SHA-256", data });
      const clock = clocks.get(first.name) as ManualClock;
      await clock.armed(TIMEOUT); // the call waits on the stopped member…
      clock.advance(TIMEOUT); // …until its timeout passes: the group fails over
      const sig = await signing;
      const spki = await group.getPublicKey(group.virtualToken, "e1");
      expect(
        nodeVerify("sha256", data, createPublicKey({ key: spki, format: "der", type: "spki" }), sig),
      ).toBe(true);
      expect(group.memberOrder()[0]).not.toBe(first.name);
      // The next one goes straight to the healthy member: the unhealthy one is not even started again.
      const unhealthyWorker = first.client.connection.workerPid;
      await group.sign({ idHex: "e1", algorithm: "ECDSA", hash: "SHA-256", data });
      expect(first.client.connection.workerPid).toBe(unhealthyWorker);
    } finally {
      try {
        process.kill(pid, "SIGCONT"); // normally already killed by the connection's timeout
      } catch {
        // ESRCH: gone
      }
    }
    // The monitor notices that the member is back (its stopped worker was replaced by a new one).
    const stop = group.startMonitor(100);
    try {
      await poll(() => lastHealthy(group) || undefined, 15_000);
    } finally {
      stop();
    }
    const health = await group.health();
    expect(health.every((h) => h.reachable && h.loggedIn)).toBe(true);
  });

  it("re-synchronises a member that lost a key", async () => {
    const { replication } = await group.generateKeyPair({
      idHex: "b2",
      label: "lost",
      spec: { type: "EC", curve: "P-384" },
    });
    const target = members.find((m) => m.name === replication.replicatedTo[0]) as HaMember;
    await target.client.destroyKey(target.token, "b2");
    const reports = await group.resync();
    expect(reports).toEqual([
      { idHex: "b2", source: replication.source, replicatedTo: [target.name], failed: [] },
    ]);
    expect((await target.client.testKey(target.token, "b2")).ok).toBe(true);
  });
});

describe("HA over network appliances (p11-kit)", () => {
  let hsm: SoftHsmFixture;
  const servers: P11KitServer[] = [];
  const members: HaMember[] = [];

  beforeAll(async () => {
    hsm = await softHsmFixture(["app-1", "app-2"]);
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    const pkcs8 = privateKey.export({ type: "pkcs8", format: "der" });
    for (const label of ["app-1", "app-2"]) {
      const server = new P11KitServer(path.join(hsm.dir, `${label}.sock`), hsm.confPath, label);
      await server.start();
      servers.push(server);
      // A killed appliance fails calls at once: no test here waits for a timeout, so a clock
      // that never moves keeps a busy machine from timing calls out.
      const client: Pkcs11Client = clientFor(
        { name: label, socketPath: server.socketPath, timeoutMs: 3_000 },
        new ManualClock(),
      );
      await client.login({ label }, USER_PIN);
      // The key is present on both appliances (as their clone operation would leave it).
      await client.importPrivateKey({ token: { label }, idHex: "c0", label: "shared", pkcs8 });
      members.push({ name: label, client, token: { label } });
    }
  });

  afterAll(async () => {
    await Promise.all(members.map((m) => m.client.connection.close()));
    await Promise.all(servers.map((s) => s.kill()));
    await hsm?.cleanup();
  });

  it("refuses HA with an explanation when the members cannot replicate", async () => {
    const group = new HaGroup({ name: "lab", members, transport: wrapTransport(CLONING_KEY) });
    await expect(group.enable()).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringContaining("AES key wrap"),
    });
    expect(group.isEnabled).toBe(false);
  });

  it("one appliance killed: signing continues on the other", async () => {
    const group = new HaGroup({ name: "lab", members, transport: wrapTransport(CLONING_KEY) });
    const firstName = group.memberOrder()[0];
    const first = servers[members.findIndex((m) => m.name === firstName)] as P11KitServer;
    await first.kill();
    for (let i = 0; i < 3; i++) {
      const sig = await group.sign({
        idHex: "c0",
        algorithm: "ECDSA",
        hash: "SHA-256",
        data: Buffer.from(`n${i}`),
      });
      expect(sig.length).toBeGreaterThan(0);
    }
    const health = await group.health();
    expect(health.filter((h) => h.reachable).map((h) => h.name)).toEqual(
      members.map((m) => m.name).filter((n) => n !== firstName),
    );
    expect(health.find((h) => h.name === firstName)).toMatchObject({
      reachable: false,
      lastError: expect.any(String),
    });
  });
});
