import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import {
  type EchoServer,
  probeVirtualService,
  type ServiceEngineSpec,
  seLayout,
  startEchoServer,
} from "@/server/dataplane";
import { hsmGroups, serviceEngineGroups, serviceEngines } from "@/server/db/schema";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";
import { ensureLocalHsm } from "../hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "./bootstrap";
import { markRestartRequired } from "./restart-required";
import { seDataDir } from "./se-folder";
import type { SeSupervisor } from "./supervisor";
import {
  createHsmCertificate,
  filesContaining,
  pollFor,
  randomPort,
  servedFingerprint,
  stopSeTest,
  testSupervisor,
} from "./testing/fixtures";

const run = promisify(execFile);

describe("service engines run by the console", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let admin: SessionUser;
  let supervisor: SeSupervisor;
  /** What the rolling restart test does while an SE is down for its restart (see inRestartGap). */
  let inGap: ((spec: ServiceEngineSpec) => Promise<void>) | null = null;
  let echo: EchoServer;
  let cert: { id: string; pem: string; localGroupId: string };
  const vip = `127.0.94.${100 + Math.floor(Math.random() * 100)}`;

  beforeAll(async () => {
    data = useTempDataDir();
    handle = await openTestDb();
    await ensureLocalHsm(handle.db);
    admin = await seedUser(handle.db, { username: "admin" });
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
    cert = await createHsmCertificate(handle.db, admin.tenantId, "shop-cert", "shop.example");
    supervisor = testSupervisor(handle.db, { inRestartGap: async (spec) => inGap?.(spec) });
  }, 60_000);

  afterAll(() => stopSeTest({ supervisor, echo, handle, data }));

  it("bootstraps Default-Group with se-1 on this node, idempotently", async () => {
    const first = await ensureDefaultSeGroup(handle.db);
    const second = await ensureDefaultSeGroup(handle.db);
    expect(second.groupId).toBe(first.groupId);
    const groups = await handle.db.select().from(serviceEngineGroups);
    expect(groups.map((g) => g.name)).toEqual(["Default-Group"]);
    const ses = await handle.db.select().from(serviceEngines);
    expect(ses).toMatchObject([{ name: "se-1", managementIp: "127.0.0.1", groupId: first.groupId }]);
    await supervisor.start();
    const [se] = await handle.db.select().from(serviceEngines);
    expect(se).toMatchObject({ state: "running", stateReason: null });
  }, 60_000);

  it("associating Local-SoftHSM marks the SE restart required; Restart runs it again", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    await caller.serviceEngineGroups.update({ id: group!.id, hsmGroupId: cert.localGroupId });
    let [listed] = await caller.serviceEngineGroups.list();
    expect(listed!.hsmGroupName).toBe("Local-SoftHSM");
    expect(listed!.serviceEngines[0]).toMatchObject({
      state: "restart-required",
      stateReason: expect.stringContaining('HSM group changed to "Local-SoftHSM"'),
      registration: "not needed (local PKCS#11 module)",
    });
    const restarted = await caller.serviceEngines.restart({ id: listed!.serviceEngines[0]!.id });
    expect(restarted).toMatchObject({ state: "running", stateReason: null });
    [listed] = await caller.serviceEngineGroups.list();
    expect(listed!.serviceEngines[0]!.state).toBe("running");
  }, 60_000);

  it("a virtual service with SSL on an HSM certificate goes live: s_client sees it, curl reaches the pool", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    const port = randomPort();
    const vs = await caller.virtualServices.create({
      name: "shop",
      vip,
      ports: [{ port, ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: group!.id,
    });
    expect(vs).toMatchObject({ state: "up", stateReason: null });

    expect(await servedFingerprint(vip, port, "shop.example")).toBe(
      new X509Certificate(cert.pem).fingerprint256,
    );
    const curl = await run("curl", [
      "-sk",
      "--resolve",
      `shop.example:${port}:${vip}`,
      `https://shop.example:${port}/hello`,
    ]);
    expect(JSON.parse(curl.stdout)).toMatchObject({ server: "pool-echo", path: "/hello" });

    const tested = await caller.virtualServices.test({ id: vs.id });
    expect(tested).toMatchObject({
      ok: true,
      httpStatus: 200,
      tlsVersion: expect.stringMatching(/TLSv1\.[23]/),
    });
    expect(tested.certificate?.subject).toContain("shop.example");
    expect(tested.body).toContain("pool-echo");

    // The private key never exists as a file: no PEM private key anywhere in the data folder.
    expect(filesContaining(data, "PRIVATE KEY")).toEqual([]);
  }, 90_000);

  it("refuses invalid virtual services with field-named errors and deploys nothing", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    const before = await caller.virtualServices.list();
    const shop = before.find((v) => v.name === "shop")!;
    const base = {
      name: "bad",
      vip,
      ports: [{ port: randomPort(), ssl: true }],
      certificateId: cert.id,
      pool: [{ host: "127.0.0.1", port: echo.port }],
      seGroupId: group!.id,
    };
    // A second SE group without an HSM group: the certificate's key is not reachable from it.
    const [other] = await handle.db
      .insert(serviceEngineGroups)
      .values({ tenantId: admin.tenantId, name: "Other-Group" })
      .returning();
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ seGroupId: other!.id }, "seGroupId", /in HSM group "Local-SoftHSM".*Pick SE group "Default-Group"/],
      [
        { ports: [{ port: randomPort(), ssl: true }], certificateId: null },
        "certificateId",
        /choose an SSL certificate/,
      ],
      [{ ports: shop.ports }, "ports", /already used by virtual service "shop"/],
      [{ vip: "10.255.254.253" }, "vip", /not an address of this machine/],
      [{ vip: "127.0.0.300" }, "vip", /IPv4 VIP address/],
      [{ ports: [{ port: 0, ssl: false }] }, "ports.0.port", /1 to 65535/],
      [{ pool: [{ host: "pool.example", port: 80 }] }, "pool.0.host", /IPv4 address/],
      [{ name: "shop" }, "name", /already exists/],
    ];
    for (const [change, field, message] of cases) {
      const error = await caller.virtualServices
        .create({ ...base, ...change } as never)
        .catch((e: unknown) => e);
      const app = toAppError(error);
      const issues = (app.details?.issues as { field: string }[] | undefined) ?? [];
      expect([app.field, ...issues.map((i) => i.field)], JSON.stringify(change)).toContain(field);
      expect(app.message).toMatch(message);
    }
    // Ports below 1024: a console that is not root cannot give nginx the right to bind them.
    const getuid = vi.spyOn(process, "getuid").mockReturnValue(1000);
    try {
      const error = toAppError(
        await caller.virtualServices
          .create({ ...base, ports: [{ port: 443, ssl: true }] } as never)
          .catch((e: unknown) => e),
      );
      expect(error.field).toBe("ports");
      expect(error.message).toMatch(/Port 443 is below 1024.*Run the console as root.*port of 1024 or more/);
    } finally {
      getuid.mockRestore();
    }
    expect((await caller.virtualServices.list()).map((v) => v.name)).toEqual(["shop"]);
    const conf = fs.readFileSync(seLayout(seDataDir("se-1")).nginxConf, "utf8");
    expect(conf).toContain('"shop"');
    expect(conf).not.toContain('"bad"');
  }, 60_000);

  /**
   * Two SEs of one group cannot each bind the VIP:port alone; the rendered listeners use
   * SO_REUSEPORT (both nginx run as the same unprivileged user), so both SEs serve the same VIP
   * and the kernel spreads connections. Restarting them one at a time must leave the other one
   * serving: while each SE is down (its restart held at that moment by the test's hook), the VIP
   * answers a whole request. How long each is down is measured by `npm run bench`.
   */
  it("a rolling restart of a 2-SE group keeps the VIP answering", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    await caller.serviceEngineGroups.update({ id: group!.id, seCount: 2 });
    const [two] = await caller.serviceEngineGroups.list();
    expect(two!.serviceEngines.map((s) => [s.name, s.state])).toEqual([
      ["se-1", "running"],
      ["se-2", "running"],
    ]);
    const shop = (await caller.virtualServices.list()).find((v) => v.name === "shop")!;
    const port = shop.ports[0]!.port;
    const ids = new Map(two!.serviceEngines.map((s) => [s.name, s.id]));
    const serving = () =>
      [...ids].filter(([, id]) => {
        const status = supervisor.status(id);
        return status?.state === "running" && status.pid !== null;
      });
    const gaps: Array<{ down: string; serving: string[]; answeredBy: string }> = [];
    inGap = async (spec) => {
      const up = serving().map(([name]) => name);
      // A connection queued on the stopped SE's socket may be reset: the next one goes to the other.
      const answer = await pollFor(async () => {
        const r = await probeVirtualService({ vip, port, timeoutMs: 2000 });
        return r.ok && r.httpStatus === 200 ? r : undefined;
      }, 30_000);
      gaps.push({ down: spec.name, serving: up, answeredBy: JSON.parse(answer.body!).server });
    };
    let result: Awaited<ReturnType<typeof caller.serviceEngineGroups.restartAll>>;
    try {
      result = await caller.serviceEngineGroups.restartAll({ id: group!.id });
    } finally {
      inGap = null;
    }
    expect(result).toMatchObject({ restarted: ["se-1", "se-2"], failed: null });
    // While each SE was down for its restart, the other one was running and answered on the VIP.
    expect(gaps).toEqual([
      { down: "se-1", serving: ["se-2"], answeredBy: "pool-echo" },
      { down: "se-2", serving: ["se-1"], answeredBy: "pool-echo" },
    ]);
    expect(serving().map(([name]) => name)).toEqual(["se-1", "se-2"]);
  }, 120_000);

  it("a virtual service whose key is gone is down with the reason; the others keep serving", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    const lost = await createHsmCertificate(handle.db, admin.tenantId, "lost-cert", "lost.example");
    const access = await openHsmGroup(handle.db, admin.tenantId, lost.localGroupId);
    const member = access.members[0]!;
    await member.client.destroyKey(member.token, lost.idHex);
    const port = randomPort();
    const vs = await caller.virtualServices.create({
      name: "lost",
      vip,
      ports: [{ port, ssl: true }],
      certificateId: lost.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: group!.id,
    });
    expect(vs.state).toBe("down");
    expect(vs.stateReason).toMatch(/key not found on this HSM/);
    const shop = (await caller.virtualServices.list()).find((v) => v.name === "shop")!;
    expect(shop.state).toBe("up");
    const probe = await probeVirtualService({ vip, port: shop.ports[0]!.port, timeoutMs: 3000 });
    expect(probe.ok).toBe(true);
    await caller.virtualServices.remove({ id: vs.id });
  }, 90_000);

  it("editing adds a plain port by reload; delete takes the service off the SEs", async () => {
    const { caller } = callerFor(handle.db, admin);
    const shop = (await caller.virtualServices.list()).find((v) => v.name === "shop")!;
    const plain = randomPort();
    const { id, name, vip: shopVip, pool, seGroupId, enabled, certificateId } = shop;
    const edited = await caller.virtualServices.update({
      ...{ id, name, vip: shopVip, pool, seGroupId, enabled, certificateId },
      healthCheckPath: "/health",
      ports: [...shop.ports, { port: plain, ssl: false }],
    });
    expect(edited).toMatchObject({ state: "up", healthCheckPath: "/health" });
    const answer = await fetch(`http://${vip}:${plain}/plain`).then((r) => r.json());
    expect(answer).toMatchObject({ server: "pool-echo", path: "/plain" });
    await caller.virtualServices.remove({ id: shop.id });
    for (const se of ["se-1", "se-2"])
      expect(fs.readFileSync(seLayout(seDataDir(se)).nginxConf, "utf8")).not.toContain('"shop"');
    // Old workers finish their connections gracefully after the reload; new ones are refused.
    await pollFor(async () => {
      const r = await probeVirtualService({ vip, port: shop.ports[0]!.port, timeoutMs: 1000 });
      return r.ok ? undefined : r;
    }, 10_000);
  }, 90_000);

  it("a change to the referenced HSM group itself marks every SE restart required", async () => {
    const { caller } = callerFor(handle.db, admin);
    const reason = "The HSM group changed (partition password): restart to apply it.";
    expect(await markRestartRequired(handle.db, { hsmGroupId: cert.localGroupId }, reason)).toBe(2);
    let [group] = await caller.serviceEngineGroups.list();
    for (const se of group!.serviceEngines)
      expect(se).toMatchObject({
        state: "restart-required",
        stateReason: expect.stringContaining("partition password"),
      });
    await caller.serviceEngineGroups.restartAll({ id: group!.id });
    [group] = await caller.serviceEngineGroups.list();
    expect(group!.serviceEngines.map((s) => s.state)).toEqual(["running", "running"]);
  }, 60_000);

  it("another HSM group: refused while SSL services use the current one's keys; then each SE gets its own client", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [group] = await caller.serviceEngineGroups.list();
    const [lab] = await handle.db
      .insert(hsmGroups)
      .values({ tenantId: admin.tenantId, name: "Lab-HA", type: "lab-appliance" })
      .returning();
    const pinned = await caller.virtualServices.create({
      name: "pinned",
      vip: "127.0.94.99",
      ports: [{ port: randomPort(), ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: group!.id,
    });
    const error = toAppError(
      await caller.serviceEngineGroups
        .update({ id: group!.id, hsmGroupId: lab!.id })
        .catch((e: unknown) => e),
    );
    expect(error).toMatchObject({
      field: "hsmGroupId",
      message: expect.stringMatching(
        /^Virtual services pinned use certificates whose keys are in the current HSM group/,
      ),
    });
    let [after] = await caller.serviceEngineGroups.list();
    expect(after!.hsmGroupName).toBe("Local-SoftHSM");

    await caller.virtualServices.remove({ id: pinned.id });
    await caller.serviceEngineGroups.update({ id: group!.id, hsmGroupId: lab!.id });
    [after] = await caller.serviceEngineGroups.list();
    expect(after!.hsmGroupName).toBe("Lab-HA");
    const page = await caller.hsmGroups.clients({ id: lab!.id });
    expect(page.clients.map((c) => [c.kind, c.name]).sort()).toEqual(
      after!.serviceEngines.map((se) => ["service-engine", se.name]).sort(),
    );
  }, 60_000);
});
