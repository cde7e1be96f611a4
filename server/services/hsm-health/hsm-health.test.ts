import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { addHealthSamples, healthSamplesOfGroup } from "@/server/aggregates/hsm-groups";
import { setDbHandleForTests } from "@/server/db";
import { hsmServers } from "@/server/db/schema";
import { consoleNode } from "@/server/hsm/console-node";
import { closeAllConnections } from "@/server/pkcs11";
import { handleRestRequest } from "@/server/rest/handler";
import { localGroup } from "@/server/services/certificates/testing/groups";
import { settled } from "@/server/services/certificates/testing/observe";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { bucketise } from "./charts";
import { flushHealthSamples, RETENTION_MS, startHealthSampling, stopHealthSamplingForTests } from "./sampler";

const HOUR_MS = 3600_000;

describe("HSM health samples: stored per member and minute, bounded, shown as charts", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let other: SessionUser;
  let group: { id: string; tenantId: string };
  let serverId: string;
  const caller = (user: SessionUser) => callerFor(handle.db, user, "127.0.160.40").caller;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    group = await localGroup(handle.db);
    admin = await seedUser(handle.db, { username: "health-admin" });
    other = await seedUser(handle.db, { username: "other-tenant", tenant: "elsewhere" });
    const [server] = await handle.db.select().from(hsmServers).where(eq(hsmServers.groupId, group.id));
    serverId = server!.id;
    startHealthSampling(handle.db);
  }, 60_000);

  afterAll(async () => {
    stopHealthSamplingForTests();
    setDbHandleForTests(undefined);
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("stores the member's real operations and probe, and the picture charts them", async () => {
    const created = await caller(admin).certificates.create({
      name: "health-cert",
      type: "self-signed",
      hsmGroupId: group.id,
      key: "EC-P-256",
      commonName: "health.example.com",
      validityDays: 40,
    });
    expect((await settled(handle.db, admin, created.id)).status).toBe("active");
    const probe = await caller(admin).hsmGroupActions.health({ id: group.id });
    expect(probe.members[0]!.reachable).toBe(true);

    const picture = await caller(admin).hsmGroupActions.healthPicture({ id: group.id });
    const [member] = picture.members;
    expect(member!.serverId).toBe(serverId);
    expect(member!.hour).toHaveLength(60);
    expect(member!.day).toHaveLength(96);
    const ops = member!.hour.reduce((n, p) => n + p.ops, 0);
    expect(ops).toBeGreaterThan(0);
    expect(member!.hour.some((p) => p.avgMs !== null && p.avgMs >= 0)).toBe(true);
    expect(member!.lastProbe).toMatchObject({ ok: true });
    expect(picture.workers.some((w) => w.running && w.sessions.length > 0)).toBe(true);
    expect(picture.certificates).toEqual([
      expect.objectContaining({ name: "health-cert", status: "active", daysLeft: 39 }),
    ]);
  }, 60_000);

  it("is read over REST too, with a read-only API token", async () => {
    const { secret } = await caller(admin).apiTokens.create({
      name: "health-ro",
      role: "read-only",
      expiresInDays: 1,
    });
    const answer = await handleRestRequest(
      new Request(`https://console.test/api/hardwaresecuritymodulegroup/${group.id}/healthhistory`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: "{}",
      }),
    );
    const text = await answer.text();
    expect(answer.status, text).toBe(200);
    const body = JSON.parse(text) as {
      id: string;
      members: Array<{ serverId: string; hour: unknown[] }>;
    };
    expect(body.id).toBe(group.id);
    expect(body.members[0]).toMatchObject({ serverId });
    expect(body.members[0]!.hour).toHaveLength(60);
  });

  it("another tenant cannot read the group's picture", async () => {
    await expect(caller(other).hsmGroupActions.healthPicture({ id: group.id })).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });

  it("sums writes of the same minute, and deletes rows past the retention at the next flush", async () => {
    const now = Date.UTC(2030, 0, 1, 12, 0);
    const minute = new Date(now - 2 * HOUR_MS);
    const old = new Date(now - RETENTION_MS - 60_000);
    const node = consoleNode().name;
    const row = {
      serverId,
      node,
      ops: 2,
      errors: 1,
      latencySumMs: 10,
      latencyMaxMs: 7,
      probes: 0,
      probeFailures: 0,
      probeSumMs: 0,
    };
    await addHealthSamples(handle.db, [
      { ...row, minute },
      { ...row, minute: old },
    ]);
    await addHealthSamples(handle.db, [{ ...row, minute, latencyMaxMs: 9 }]);
    const since = new Date(now - 2 * RETENTION_MS);
    const before = await healthSamplesOfGroup(handle.db, group.id, since);
    expect(before.find((s) => s.minute.getTime() === minute.getTime())).toMatchObject({
      ops: 4,
      errors: 2,
      latencySumMs: 20,
      latencyMaxMs: 9,
    });
    expect(before.some((s) => s.minute.getTime() === old.getTime())).toBe(true);
    await flushHealthSamples(handle.db, now);
    const after = await healthSamplesOfGroup(handle.db, group.id, since);
    expect(after.some((s) => s.minute.getTime() === old.getTime())).toBe(false);
    expect(after.some((s) => s.minute.getTime() === minute.getTime())).toBe(true);
  });

  it("bucketises samples on a regular time axis, empty buckets included", () => {
    const now = Date.UTC(2030, 0, 1, 12, 0, 30);
    const at = (minutesAgo: number) => new Date(Date.UTC(2030, 0, 1, 12, 0) - minutesAgo * 60_000);
    const sample = (minute: Date, ops: number, sum: number) => ({
      serverId,
      minute,
      ops,
      errors: 0,
      latencySumMs: sum,
      latencyMaxMs: sum / ops,
      probes: 1,
      probeFailures: 0,
      probeSumMs: 3,
    });
    const points = bucketise([sample(at(0), 2, 10), sample(at(1), 1, 2), sample(at(20), 4, 8)], now, 15, 4);
    expect(points.map((p) => p.ops)).toEqual([0, 0, 4, 3]);
    expect(points[3]).toMatchObject({
      avgMs: 4,
      probeMs: 3,
      at: new Date(Date.UTC(2030, 0, 1, 11, 46)).toISOString(),
    });
    expect(points[2]).toMatchObject({ avgMs: 2 });
    expect(points[0]).toMatchObject({ avgMs: null, probeMs: null });
  });
});
