import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { resetEnvForTests } from "@/server/config/env";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { ensureDefaultSeGroup } from "../service-engines/bootstrap";

const VIP = "127.0.126.10";

describe("virtual services cannot be used to reach other services (SSRF) and take only strict input", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let operator: SessionUser;
  let seGroupId: string;
  let foreign: http.Server;
  let foreignRequests = 0;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    seGroupId = (await ensureDefaultSeGroup(handle.db)).groupId;
    operator = await seedUser(handle.db, { username: "operator", role: "operator" });
    foreign = http.createServer((_req, res) => {
      foreignRequests++;
      res.end("loopback-only secret");
    });
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_POOL_ALLOWED_NETWORKS;
    resetEnvForTests();
    if (foreign.listening) await new Promise((resolve) => foreign.close(resolve));
    await handle?.close();
  });

  const caller = () => callerFor(handle.db, operator).caller;
  const base = () => ({
    name: `vs-${Math.random().toString(36).slice(2, 8)}`,
    vip: VIP,
    ports: [{ port: 20000 + Math.floor(Math.random() * 20000), ssl: false }],
    pool: [{ host: "127.0.0.1", port: 8081 }],
    seGroupId,
  });

  it("Test refuses a VIP:port where another program listens, and sends it nothing", async () => {
    // The program takes the VIP:port after the VS was saved (a held port is refused at save).
    const vs = await caller().virtualServices.create(base());
    await new Promise<void>((resolve) => foreign.listen(vs.ports[0]!.port, VIP, resolve));
    const result = await caller().virtualServices.test({ id: vs.id });
    expect(result).toMatchObject({ ok: false, body: null, error: expect.stringMatching(/not sent/) });
    expect(foreignRequests).toBe(0);
  });

  it("refuses another tenant's SE group as a missing one, on the field (no NOT_FOUND that would confirm it)", async () => {
    const stranger = await seedUser(handle.db, { username: "stranger", role: "operator", tenant: "other" });
    await expect(callerFor(handle.db, stranger).caller.virtualServices.create(base())).rejects.toMatchObject({
      code: "BAD_REQUEST",
      cause: { field: "seGroupId" },
      message: "Choose a service engine group of your tenant.",
    });
  });

  it("refuses link-local and metadata pool servers unless the network is allowed", async () => {
    for (const host of ["169.254.169.254", "169.254.0.1", "100.100.100.200"]) {
      await expect(
        caller().virtualServices.create({ ...base(), pool: [{ host, port: 80 }] }),
      ).rejects.toMatchObject({
        cause: { field: "pool" },
        message: expect.stringMatching(/HSM_CONSOLE_POOL_ALLOWED_NETWORKS/),
      });
    }
    process.env.HSM_CONSOLE_POOL_ALLOWED_NETWORKS = "169.254.169.0/24";
    resetEnvForTests();
    await caller().virtualServices.create({ ...base(), pool: [{ host: "169.254.169.254", port: 80 }] });
  });

  it("caps a VS at 64 ports and 256 pool servers", async () => {
    const ports = Array.from({ length: 65 }, (_, i) => ({ port: 30000 + i, ssl: false }));
    await expect(caller().virtualServices.create({ ...base(), ports })).rejects.toMatchObject({
      message: expect.stringMatching(/At most 64 service ports/),
    });
    const pool = Array.from({ length: 257 }, (_, i) => ({ host: "127.0.0.1", port: 1000 + i }));
    await expect(caller().virtualServices.create({ ...base(), pool })).rejects.toMatchObject({
      message: expect.stringMatching(/At most 256 pool servers/),
    });
  });

  it("refuses numbers that are not numbers: no coercion of ports or counts", async () => {
    for (const port of ["0x4A3F", true, [2], "12"]) {
      const b = base();
      await expect(
        caller().virtualServices.create({ ...b, ports: [{ port: port as never, ssl: false }] }),
        JSON.stringify(port),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
      await expect(
        caller().virtualServices.create({ ...b, pool: [{ host: "127.0.0.1", port: port as never }] }),
        JSON.stringify(port),
      ).rejects.toMatchObject({ code: "BAD_REQUEST" });
    }
    const admin = callerFor(handle.db, await seedUser(handle.db, { username: "admin" })).caller;
    await expect(
      admin.serviceEngineGroups.update({ id: seGroupId, seCount: "2" as never }),
    ).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    expect((await caller().virtualServices.list()).some((v) => v.ports.some((p) => p.port === 19007))).toBe(
      false,
    );
  });
});
