import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import { type TestClient, uploadCert } from "@/lab/testing/clients";
import { tempDir } from "@/lab/testing/run";
import { makeClient } from "@/server/ntls/testing/lab-client";
import type { SessionUser } from "@/lib/schemas/auth";
import { resetEnvForTests } from "@/server/config/env";
import { encryptSecret } from "@/server/crypto/secrets";
import { hsmClients, hsmGroups, hsmServers } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { memberFor, openHsmGroup } from "@/server/hsm/hsm-access";
import { ensureLocalHsm, LOCAL_HSM_GROUP } from "../local-softhsm";

const NODE = "console-92";
const HOSTS = { hsm1: "127.0.92.11", hsm2: "127.0.92.13" };

describe("connection actions against lab appliances (127.0.92.x)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let lab: Lab;
  let labDir: string;
  let admin: SessionUser;
  let consoleClient: TestClient;
  let stranger: TestClient;
  const caller = () => callerFor(handle.db, admin).caller;
  const info = (name: "hsm1" | "hsm2") => lab.info(name);
  const password = (name: "hsm1" | "hsm2") => info(name).partitions[0]!.password;

  /** Inserts a lab group as the HSM group form will: servers with server.pem, this node's client. */
  async function group(
    name: string,
    servers: Array<{ appliance: "hsm1" | "hsm2"; password?: string }>,
    client: TestClient,
  ): Promise<string> {
    const [g] = await handle.db
      .insert(hsmGroups)
      .values({ tenantId: admin.tenantId, name, type: "lab-appliance" })
      .returning();
    for (const [position, s] of servers.entries()) {
      const a = info(s.appliance);
      await handle.db.insert(hsmServers).values({
        groupId: g!.id,
        position,
        address: a.ntls.host,
        port: a.ntls.port,
        serverCertPem: fs.readFileSync(a.serverPemPath, "utf8"),
        partition: a.partitions[0]!.label,
        partitionPasswordEnc: encryptSecret(
          s.password ?? password(s.appliance),
          "hsm_servers.partition_password",
        ),
        adminApiUrl: a.adminUrl,
      });
    }
    const cert = new (await import("node:crypto")).X509Certificate(client.certPem);
    await handle.db.insert(hsmClients).values({
      groupId: g!.id,
      kind: "console",
      name: NODE,
      ip: "127.0.0.1",
      certPem: client.certPem,
      keyEnc: encryptSecret(client.keyPem, "hsm_clients.key"),
      fingerprint: cert.fingerprint256,
      notAfter: new Date(cert.validTo),
    });
    return g!.id;
  }

  let labGroup: string;
  let strangerGroup: string;
  let wrongGroup: string;
  let singleGroup: string;

  beforeAll(async () => {
    useTempDataDir();
    process.env.HSM_CONSOLE_NODE_NAME = NODE;
    resetEnvForTests();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "hsm-admin" });
    labDir = tempDir("lab-actions");
    lab = await startLab({
      dataDir: labDir,
      appliances: [
        { name: "hsm1", host: HOSTS.hsm1, partitions: ["par43"] },
        { name: "hsm2", host: HOSTS.hsm2, partitions: ["par40"] },
      ],
    });
    consoleClient = await makeClient(NODE);
    stranger = await makeClient("not-registered");
    for (const name of ["hsm1", "hsm2"] as const) {
      uploadCert(info(name), consoleClient);
      expect((await lab.lunash(name, `client register -c ${NODE} -i 127.0.0.1`)).result).toBe(0);
      const p = info(name).partitions[0]!.label;
      expect((await lab.lunash(name, `client assignPartition -c ${NODE} -p ${p}`)).result).toBe(0);
    }
    labGroup = await group("lab-ha", [{ appliance: "hsm1" }, { appliance: "hsm2" }], consoleClient);
    strangerGroup = await group("lab-stranger", [{ appliance: "hsm1" }], stranger);
    wrongGroup = await group(
      "lab-wrong",
      [{ appliance: "hsm2", password: "not-the-password" }],
      consoleClient,
    );
    singleGroup = await group("lab-single", [{ appliance: "hsm1" }], consoleClient);
  }, 120_000);

  afterAll(async () => {
    await closeAllConnections();
    await lab?.stop();
    await handle?.close();
    fs.rmSync(labDir, { recursive: true, force: true });
  });

  it("Test connection: every stage OK on both appliances, timed, and the partition serial stored", async () => {
    const result = await caller().hsmGroupActions.testConnection({ id: labGroup });
    expect(result.node).toBe(NODE);
    for (const server of result.servers) {
      expect(server.stages.map((s) => [s.stage, s.status])).toEqual([
        ["reach", "ok"],
        ["handshake", "ok"],
        ["initialize", "ok"],
        ["token", "ok"],
        ["login", "ok"],
        ["sign", "ok"],
      ]);
      for (const s of server.stages) expect(s.ms).toBeGreaterThanOrEqual(0);
    }
    expect(result.ok).toBe(true);
    expect(result.servers[0]!.stages[1]!.detail).toContain(`registered as "${NODE}"`);
    expect(result.servers[1]!.stages[5]!.detail).toMatch(/ECDSA SHA-256 signature verified/);
    const servers = await handle.db.select().from(hsmServers).where(eq(hsmServers.groupId, labGroup));
    expect(servers.map((s) => s.partitionSerial)).toEqual([
      info("hsm1").partitions[0]!.serial,
      info("hsm2").partitions[0]!.serial,
    ]);
  }, 60_000);

  it("an unregistered client is refused at handshake with the reason; later stages skipped", async () => {
    const result = await caller().hsmGroupActions.testConnection({ id: strangerGroup });
    const stages = result.servers[0]!.stages;
    expect(result.ok).toBe(false);
    expect(stages[0]).toMatchObject({ stage: "reach", status: "ok" });
    expect(stages[1]).toMatchObject({ stage: "handshake", status: "failed" });
    expect(stages[1]!.detail).toMatch(/Refused at handshake: .*not registered/);
    expect(stages.slice(2).map((s) => s.status)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
  }, 60_000);

  it("a wrong partition password: exactly one C_Login per click, a clear error, never retried", async () => {
    const [server] = await handle.db.select().from(hsmServers).where(eq(hsmServers.groupId, wrongGroup));
    const [g] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.id, wrongGroup));
    const [c] = await handle.db.select().from(hsmClients).where(eq(hsmClients.groupId, wrongGroup));
    const identity = { certPem: c!.certPem, keyPem: consoleClient.keyPem };
    const member = await memberFor(g!, server!, identity);
    const before = (await member.client.stats()).loginCalls;
    const first = await caller().hsmGroupActions.testConnection({ id: wrongGroup });
    const login = first.servers[0]!.stages[4]!;
    expect(login.status).toBe("failed");
    expect(login.detail).toMatch(/HSM_PIN_INCORRECT/);
    expect(login.detail).toMatch(/not retried automatically/);
    expect(first.servers[0]!.stages[5]!.status).toBe("skipped");
    expect((await member.client.stats()).loginCalls).toBe(before + 1);
    // Anything else that opens the group does not try the refused password again ...
    await expect(openHsmGroup(handle.db, admin.tenantId, wrongGroup)).rejects.toMatchObject({
      code: "HSM_PIN_INCORRECT",
    });
    expect((await member.client.stats()).loginCalls).toBe(before + 1);
    // ... but the user's explicit retry tries exactly once more.
    await caller().hsmGroupActions.testConnection({ id: wrongGroup });
    expect((await member.client.stats()).loginCalls).toBe(before + 2);
  }, 60_000);

  it("List slots: the partition, its serial and Present, per appliance", async () => {
    const result = await caller().hsmGroupActions.listSlots({ id: labGroup });
    expect(result.servers).toHaveLength(2);
    expect(result.servers[0]!.error).toBeNull();
    expect(result.servers[0]!.slots).toContainEqual(
      expect.objectContaining({
        label: "par43",
        serial: info("hsm1").partitions[0]!.serial,
        status: "Present",
      }),
    );
    expect(result.servers[1]!.slots).toContainEqual(
      expect.objectContaining({ label: "par40", status: "Present" }),
    );
    const refused = await caller().hsmGroupActions.listSlots({ id: strangerGroup });
    expect(refused.servers[0]!.slots).toEqual([]);
    expect(refused.servers[0]!.error).toBeTruthy();
  }, 60_000);

  it("open / close application access: recorded with who, node and since; already open is a note; close waits for work", async () => {
    const opened = await caller().hsmGroupActions.openAccess({ id: singleGroup });
    expect(opened.states[0]).toMatchObject({ open: true, node: NODE, openedBy: "hsm-admin" });
    expect(opened.states[0]!.since).toBeTruthy();
    const again = await caller().hsmGroupActions.openAccess({ id: singleGroup });
    expect(again.notes[0]).toMatch(/already open/);
    expect(again.states[0]!.since).toBe(opened.states[0]!.since);

    const access = await openHsmGroup(handle.db, admin.tenantId, singleGroup);
    const m = access.members[0]!;
    await m.client.generateKeyPair({
      token: m.token,
      idHex: "a1",
      label: "busy",
      spec: { type: "RSA", bits: 2048 },
    });
    const inFlight = Array.from({ length: 20 }, () => m.client.testKey(m.token, "a1"));
    const closed = await caller().hsmGroupActions.closeAccess({ id: singleGroup });
    // Every call that was in flight when close was asked finished normally.
    expect((await Promise.all(inFlight)).every((r) => r.ok)).toBe(true);
    expect(closed.states[0]).toMatchObject({ open: false, closedBy: "hsm-admin", since: null });
    const state = await caller().hsmGroupActions.accessState({ id: singleGroup });
    expect(state.states[0]!.open).toBe(false);
  }, 60_000);

  it("HA is refused with one server, with the reason", async () => {
    await expect(caller().hsmGroupActions.setUpHa({ id: singleGroup })).rejects.toMatchObject({
      message: expect.stringMatching(/at least two HSM servers/),
    });
    const [g] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.id, singleGroup));
    expect(g!.isHa).toBe(false);
  });

  it("HA on two appliances: group number, keys on both, signing survives a killed member, synchronise copies missing keys", async () => {
    const status = await caller().hsmGroupActions.setUpHa({ id: labGroup });
    expect(status).toMatchObject({
      isHa: true,
      haGroupNum: `1${info("hsm1").partitions[0]!.serial}`,
      problem: null,
    });
    expect(status.members.map((m) => m.reachable)).toEqual([true, true]);

    const access = await openHsmGroup(handle.db, admin.tenantId, labGroup);
    const ha = access.ha!;
    const { replication } = await ha.generateKeyPair({
      idHex: "b1",
      label: "ha-key",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(replication.failed).toEqual([]);
    for (const m of access.members) expect(await m.client.findKeys(m.token, { idHex: "b1" })).toHaveLength(1);

    await lab.stopAppliance("hsm2", "SIGKILL");
    const data = Buffer.from("still signing");
    const sig = await access.signer.sign({
      token: { label: "x" },
      idHex: "b1",
      algorithm: "ECDSA",
      hash: "SHA-256",
      data,
    });
    expect(sig.length).toBeGreaterThan(60);
    // A key made while hsm2 is down exists only on hsm1 ...
    const second = await ha.generateKeyPair({
      idHex: "b2",
      label: "ha-key-2",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(second.replication.failed.map((f) => f.member)).toEqual([expect.stringContaining(HOSTS.hsm2)]);

    await lab.startAppliance("hsm2");
    const missing = await caller().hsmGroupActions.haStatus({ id: labGroup });
    expect(missing.members[1]!.missingKeys).toContain("ha-key-2 (b2)");
    // A key made outside HA on the same partition is shown as missing and why it cannot be copied.
    expect(missing.members[1]!.missingKeys).toContain("busy (a1): not replicable (created outside HA)");
    // ... until "Synchronise" copies it.
    const synced = await caller().hsmGroupActions.synchronise({ id: labGroup });
    expect(synced.replicated).toContainEqual(expect.objectContaining({ idHex: "b2" }));
    expect(synced.members[1]!.missingKeys).not.toContain("ha-key-2 (b2)");
    for (const m of access.members) expect(await m.client.findKeys(m.token, { idHex: "b2" })).toHaveLength(1);
  }, 120_000);

  it("the built-in Local-SoftHSM group: network stages not applicable, the others OK", async () => {
    await ensureLocalHsm(handle.db);
    const [local] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
    const admins = await seedUser(handle.db, { username: "local-admin", tenant: "admin" });
    const result = await callerFor(handle.db, admins).caller.hsmGroupActions.testConnection({
      id: local!.id,
    });
    expect(result.servers[0]!.stages.map((s) => s.status)).toEqual([
      "not-applicable",
      "not-applicable",
      "ok",
      "ok",
      "ok",
      "ok",
    ]);
    expect(path.basename(result.servers[0]!.server)).toBe("hsm-console-local");
  }, 60_000);
});
