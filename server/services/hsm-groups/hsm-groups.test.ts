import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { decryptSecret } from "@/server/crypto/secrets";
import type { DbHandle } from "@/server/db/client";
import {
  hsmClients,
  hsmGroups,
  hsmServers,
  serviceEngineGroups,
  serviceEngines,
  sslCertificates,
} from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { lineDiff, renderChrystokiConf } from "./chrystoki-conf";
import { networkGroupInput, serverPem } from "./testing/fixtures";

let handle: DbHandle;
let admin: SessionUser;
let pems: string[];
const caller = () => callerFor(handle.db, admin).caller;

beforeAll(async () => {
  process.env.HSM_CONSOLE_NODE_NAME = "console-test";
  process.env.HSM_CONSOLE_NODE_IP = "10.160.100.220";
  useTempDataDir();
  handle = await openTestDb();
  admin = await seedUser(handle.db, { username: "sec-admin" });
  pems = [await serverPem("127.0.91.200"), await serverPem("127.0.91.201")];
});
afterAll(async () => handle?.close());

describe("HSM group services", () => {
  it("creates a network group with servers, a console client certificate and no secret in the output", async () => {
    const group = await caller().hsmGroups.create(networkGroupInput("ha-pair", pems, { isHa: true }));
    expect(group.servers).toHaveLength(2);
    expect(group.servers[0]).toMatchObject({
      address: "127.0.91.200",
      port: 1792,
      partition: "par40",
      partitionPasswordSet: true,
    });
    expect(group.servers[0]!.serverCert?.fingerprint).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(group.clients).toEqual([
      expect.objectContaining({ kind: "console", name: "console-test", ip: "10.160.100.220" }),
    ]);
    const days = (new Date(group.clients[0]!.notAfter).getTime() - Date.now()) / 86_400_000;
    expect(Math.round(days)).toBe(730);
    const json = JSON.stringify([
      group,
      await caller().hsmGroups.list(),
      await caller().hsmGroups.clients({ id: group.id }),
    ]);
    expect(json).not.toContain("secret-partition-pw");
    expect(json).not.toContain("PRIVATE KEY");
    // At rest: encrypted, with the context hsm-access.ts decrypts with.
    const dump =
      JSON.stringify(await handle.db.select().from(hsmServers)) +
      JSON.stringify(await handle.db.select().from(hsmClients));
    expect(dump).not.toContain("secret-partition-pw");
    expect(dump).not.toContain("PRIVATE KEY");
    const [server] = await handle.db.select().from(hsmServers).where(eq(hsmServers.id, group.servers[0]!.id));
    expect(decryptSecret(server!.partitionPasswordEnc, "hsm_servers.partition_password")).toBe(
      "secret-partition-pw-0",
    );
    const [client] = await handle.db.select().from(hsmClients).where(eq(hsmClients.groupId, group.id));
    expect(decryptSecret(client!.keyEnc, "hsm_clients.key")).toContain("PRIVATE KEY");
  });

  it("renders the client's Chrystoki.conf with every server and the HA sections", async () => {
    const [group] = (await caller().hsmGroups.list()).filter((g) => g.name === "ha-pair");
    const page = await caller().hsmGroups.clients({ id: group!.id });
    const conf = page.clients[0]!.chrystokiConf!;
    expect(conf).toContain("ServerName00 = 127.0.91.200;");
    expect(conf).toContain("ServerName01 = 127.0.91.201;");
    expect(conf).toContain("ServerPort00 = 1792;");
    expect(conf).toContain("ClientCertFile = /usr/safenet/lunaclient/cert/client/console-test.pem;");
    expect(conf).toContain("ClientPrivKeyFile = /usr/safenet/lunaclient/cert/client/console-testKey.pem;");
    expect(conf).toContain("ServerCAFile");
    expect(conf).toContain("VirtualToken00Label = ha-pair;");
    expect(conf).toContain("HAOnly = 1;");
    expect(page.clients[0]!.servers[1]!.commands).toEqual([
      "scp console-test.pem admin@127.0.91.201:",
      "client register -c console-test -i 10.160.100.220",
      "client assignPartition -c console-test -p par41",
    ]);
    expect(page.clients[0]!.chrystokiDiff).toBeNull();
  });

  it("keeps the password when none is typed, records the Chrystoki.conf diff, and marks SEs restart-required", async () => {
    const [group] = (await caller().hsmGroups.list()).filter((g) => g.name === "ha-pair");
    const [seg] = await handle.db
      .insert(serviceEngineGroups)
      .values({ tenantId: admin.tenantId, name: "Default-Group", hsmGroupId: group!.id })
      .returning();
    await handle.db
      .insert(serviceEngines)
      .values({ groupId: seg!.id, name: "se-1", nodeName: "n", managementIp: "10.0.0.5", state: "running" });
    const input = networkGroupInput("ha-pair", pems);
    const updated = await caller().hsmGroups.update({
      ...input,
      id: group!.id,
      isHa: false,
      servers: input.servers.map((s, i) => ({
        ...s,
        id: group!.servers[i]!.id,
        partitionPassword: undefined,
      })),
    });
    expect(updated.isHa).toBe(false);
    expect(updated.seGroups).toEqual([{ id: seg!.id, name: "Default-Group" }]);
    const [server] = await handle.db
      .select()
      .from(hsmServers)
      .where(eq(hsmServers.id, group!.servers[0]!.id));
    expect(decryptSecret(server!.partitionPasswordEnc, "hsm_servers.partition_password")).toBe(
      "secret-partition-pw-0",
    );
    const [se] = await handle.db.select().from(serviceEngines).where(eq(serviceEngines.name, "se-1"));
    expect(se).toMatchObject({
      state: "restart-required",
      restartRequiredReason: 'HSM group "ha-pair" was changed.',
    });
    const page = await caller().hsmGroups.clients({ id: group!.id });
    const removed = page.clients[0]!.chrystokiDiff!.filter((l) => l.op === "-").map((l) => l.text);
    expect(removed).toContain("   HAOnly = 1;");
  });

  it("refuses to delete a group an SE group or a certificate uses, naming them, and changes nothing", async () => {
    const [group] = (await caller().hsmGroups.list()).filter((g) => g.name === "ha-pair");
    await handle.db.insert(sslCertificates).values({
      tenantId: admin.tenantId,
      name: "www-cert",
      type: "self-signed",
      status: "active",
      keyAlgorithm: "EC",
      keyOrigin: "generated",
      hsmGroupId: group!.id,
    });
    const error = await caller()
      .hsmGroups.remove({ id: group!.id })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT" });
    expect((error as Error).message).toContain('service engine group "Default-Group"');
    expect((error as Error).message).toContain('certificate "www-cert"');
    expect(await handle.db.select().from(hsmGroups).where(eq(hsmGroups.id, group!.id))).toHaveLength(1);
  });

  it("deletes an unused group with its servers and clients", async () => {
    const group = await caller().hsmGroups.create(networkGroupInput("single", [pems[0]!]));
    expect(await caller().hsmGroups.remove({ id: group.id })).toEqual({ id: group.id, name: "single" });
    expect(await handle.db.select().from(hsmServers).where(eq(hsmServers.groupId, group.id))).toHaveLength(0);
    expect(await handle.db.select().from(hsmClients).where(eq(hsmClients.groupId, group.id))).toHaveLength(0);
  });

  it("creates a PKCS#11 module group without client certificates", async () => {
    const group = await caller().hsmGroups.create({
      name: "softhsm",
      type: "pkcs11-module",
      moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so",
      servers: [{ partition: "token-a", partitionPassword: "1234-pin" }],
    });
    expect(group).toMatchObject({ moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so", clients: [] });
    expect(group.servers[0]).toMatchObject({ address: null, port: null, serverCert: null });
  });

  it("parses a pasted server.pem for the form", async () => {
    const info = await caller().hsmGroups.parseServerCert({ pem: pems[0]! });
    expect(info.subject).toContain("CN=127.0.91.200");
    expect(info.fingerprint).toHaveLength(95);
  });
});

describe("service engines as trusted clients", () => {
  it("adds an SE client with its own certificate and commands, once", async () => {
    const { addTrustedClient } = await import("./add-trusted-client");
    const group = await caller().hsmGroups.create(networkGroupInput("with-se", [pems[0]!]));
    const first = await addTrustedClient(handle.db, group.id, { name: "se-10.0.0.5", ip: "10.0.0.5" });
    expect(await addTrustedClient(handle.db, group.id, { name: "se-10.0.0.5", ip: "10.0.0.5" })).toEqual(
      first,
    );
    const page = await caller().hsmGroups.clients({ id: group.id });
    const se = page.clients.find((c) => c.kind === "service-engine")!;
    expect(se.subject).toBe("CN=se-10.0.0.5");
    expect(se.servers[0]!.commands[1]).toBe("client register -c se-10.0.0.5 -i 10.0.0.5");
    expect(se.chrystokiConf).toContain(
      "ClientCertFile = /usr/safenet/lunaclient/cert/client/se-10.0.0.5.pem;",
    );
  });
});

describe("Chrystoki.conf diff", () => {
  it("marks added and removed lines", () => {
    const a = renderChrystokiConf({
      clientName: "c",
      groupName: "g",
      isHa: false,
      haGroupNum: null,
      servers: [{ address: "h1", port: 1792, partition: "p", partitionSerial: null }],
    });
    const b = renderChrystokiConf({
      clientName: "c",
      groupName: "g",
      isHa: false,
      haGroupNum: null,
      servers: [{ address: "h2", port: 1792, partition: "p", partitionSerial: null }],
    });
    const diff = lineDiff(a, b);
    expect(diff.filter((l) => l.op !== " ")).toEqual([
      { op: "-", text: "   ServerName00 = h1;" },
      { op: "+", text: "   ServerName00 = h2;" },
    ]);
  });
});
