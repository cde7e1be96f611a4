import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import type { SessionUser } from "@/lib/schemas/auth";
import type { DbHandle } from "@/server/db/client";
import { hsmServers } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";

const CLIENT = "console-reg";
let lab: Lab;
let labDir: string;
let handle: DbHandle;
let admin: SessionUser;
let groupId: string;
const caller = () => callerFor(handle.db, admin).caller;
const statuses = async () =>
  (await caller().hsmGroups.clients({ id: groupId })).clients
    .filter((c) => !c.replacedAt)
    .flatMap((c) => c.servers.map((s) => [s.address, s.status, s.detail] as const));

beforeAll(async () => {
  process.env.HSM_CONSOLE_NODE_NAME = CLIENT;
  process.env.HSM_CONSOLE_NODE_IP = "127.0.0.1";
  useTempDataDir();
  labDir = fs.mkdtempSync(path.join(os.tmpdir(), "hsmgroups-lab-"));
  lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: "127.0.91.21", partitions: ["par43"] },
      { name: "hsm2", host: "127.0.91.23", partitions: ["par40"] },
    ],
  });
  handle = await openTestDb();
  admin = await seedUser(handle.db, { username: "sec-admin" });
  const [a, b] = lab.appliances;
  const group = await caller().hsmGroups.create({
    name: "lab-pair",
    type: "lab-appliance",
    isHa: true,
    servers: [a!, b!].map((x) => ({
      address: x.ntls.host,
      port: x.ntls.port,
      serverCert: fs.readFileSync(x.serverPemPath, "utf8"),
      partition: x.partitions[0]!.label,
      partitionPassword: x.partitions[0]!.password,
      adminApiUrl: x.adminUrl,
    })),
  });
  groupId = group.id;
}, 120_000);

afterAll(async () => {
  await closeAllConnections();
  await lab?.stop();
  await handle?.close();
  fs.rmSync(labDir, { recursive: true, force: true });
});

describe("client registration against lab appliances", () => {
  it("shows an unregistered client as refused at handshake, with the appliance's reason", async () => {
    await caller().hsmGroups.checkNow({ id: groupId });
    const rows = await statuses();
    expect(rows.map((r) => r[1])).toEqual(["refused", "refused"]);
    expect(rows[0]![2]).toMatch(/not registered/);
  });

  it("is registered after the shell commands the page shows are run on the appliance", async () => {
    const page = await caller().hsmGroups.clients({ id: groupId });
    const client = page.clients[0]!;
    const onHsm1 = client.servers[0]!;
    const [, register, assign] = onHsm1.commands;
    expect(register).toBe(`client register -c ${CLIENT} -i 127.0.0.1`);
    const { findClient } = await import("./clients-page");
    const row = await findClient(handle.db, admin, groupId, client.id);
    fs.writeFileSync(path.join(lab.appliances[0]!.dir, "home", `${CLIENT}.pem`), row!.certPem); // scp
    expect((await lab.lunash("hsm1", register!)).result).toBe(0);
    expect((await lab.lunash("hsm1", assign!)).result).toBe(0);
    await caller().hsmGroups.checkNow({ id: groupId });
    expect((await statuses()).map((r) => r[1])).toEqual(["registered", "refused"]);
  });

  it("refuses wrong admin credentials on the password field", async () => {
    const b = lab.appliances[1]!;
    const error = await caller()
      .hsmGroups.registerClients({
        id: groupId,
        serverId: await serverId(1),
        adminApiUrl: b.adminUrl,
        username: "admin",
        password: "wrong",
      })
      .catch((e: unknown) => e);
    expect(toAppError(error).field).toBe("password");
  });

  it("registers automatically through the REST API, idempotently", async () => {
    const b = lab.appliances[1]!;
    const input = {
      id: groupId,
      serverId: await serverId(1),
      adminApiUrl: b.adminUrl,
      username: b.admin.username,
      password: b.admin.password,
    };
    expect((await caller().hsmGroups.registerClients(input)).registered).toEqual([
      { client: CLIENT, outcome: "registered" },
    ]);
    expect((await statuses()).map((r) => r[1])).toEqual(["registered", "registered"]);
    const noPassword = await caller()
      .hsmGroups.registerClients({ ...input, password: "" })
      .catch((e: unknown) => e);
    expect(toAppError(noPassword).field).toBe("password");
    await caller().hsmGroups.registerClients({ ...input, remember: true });
    const dump = JSON.stringify(await handle.db.select().from(hsmServers));
    expect(dump).not.toContain(b.admin.password);
    expect((await caller().hsmGroups.get({ id: groupId })).servers[1]!.adminCredentialsSaved).toBe(true);
    // Remembered: the password may be left empty; still idempotent.
    expect((await caller().hsmGroups.registerClients({ ...input, password: "" })).registered).toEqual([
      { client: CLIENT, outcome: "already-registered" },
    ]);
    const shown = await lab.lunash("hsm2", `client show -c ${CLIENT}`);
    expect(shown.output).toContain("par40");
  });

  it("rotates a client certificate: the old one stays listed until the new one is registered everywhere", async () => {
    const before = (await caller().hsmGroups.clients({ id: groupId })).clients[0]!;
    const rotated = await caller().hsmGroups.rotateClient({ id: groupId, clientId: before.id });
    expect(rotated.fingerprint).not.toBe(before.fingerprint);
    let page = await caller().hsmGroups.clients({ id: groupId });
    expect(page.clients.map((c) => [c.fingerprint, c.replacedAt !== null])).toEqual(
      expect.arrayContaining([
        [before.fingerprint, true],
        [rotated.fingerprint, false],
      ]),
    );
    await caller().hsmGroups.checkNow({ id: groupId });
    expect((await statuses()).map((r) => r[1])).toEqual(["refused", "refused"]);
    for (const [i, x] of lab.appliances.entries()) {
      const r = await caller().hsmGroups.registerClients({
        id: groupId,
        serverId: await serverId(i),
        adminApiUrl: x.adminUrl,
        username: x.admin.username,
        password: x.admin.password,
      });
      expect(r.registered[0]!.outcome).toBe("re-registered");
    }
    page = await caller().hsmGroups.clients({ id: groupId });
    expect(page.clients.map((c) => c.fingerprint)).toEqual([rotated.fingerprint]);
    expect((await statuses()).map((r) => r[1])).toEqual(["registered", "registered"]);
  });

  it("shows a regenerated server.pem as a pinned-certificate mismatch and trusts it in one step", async () => {
    expect((await caller().hsmGroups.serverCerts({ id: groupId })).map((s) => s.mismatch)).toEqual([
      false,
      false,
    ]);
    expect((await lab.lunash("hsm1", "sysconf regenCert")).result).toBe(0);
    const fresh = lab.info("hsm1").serverCertFingerprint;
    const [s1] = await caller().hsmGroups.serverCerts({ id: groupId });
    expect(s1).toMatchObject({ mismatch: true, presentedFingerprint: fresh });
    await caller().hsmGroups.checkNow({ id: groupId });
    expect((await statuses())[0]![1]).toBe("unreachable");
    await expect(
      caller().hsmGroups.trustServerCert({ id: groupId, serverId: s1!.serverId, fingerprint: "AB:CD" }),
    ).rejects.toThrow(/another certificate/);
    await caller().hsmGroups.trustServerCert({ id: groupId, serverId: s1!.serverId, fingerprint: fresh });
    expect((await caller().hsmGroups.serverCerts({ id: groupId })).map((s) => s.mismatch)).toEqual([
      false,
      false,
    ]);
    await caller().hsmGroups.checkNow({ id: groupId });
    expect((await statuses()).map((r) => r[1])).toEqual(["registered", "registered"]);
  });
});

async function serverId(i: number): Promise<string> {
  return (await caller().hsmGroups.get({ id: groupId })).servers[i]!.id;
}
