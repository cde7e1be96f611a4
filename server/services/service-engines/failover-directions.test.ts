import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "@/server/crypto/secrets";
import { hsmServers } from "@/server/db/schema";
import { pollFor, randomPort } from "./testing/fixtures";
import { type HaLab, startHaLab } from "./testing/ha-lab";
import { TrafficLoop } from "./testing/traffic";

const HOSTS = { hsm1: "127.0.123.11", hsm2: "127.0.123.13" };

/**
 * HA failover in every direction, by itself: two real lab appliances, a real SE (nginx + PKCS#11
 * engine over its own NTLS links) and a client making real HTTPS requests the whole time. Each
 * scenario asserts that the SE serves again, from the other member (its key URIs follow), and
 * keeps serving; the length of the window is the benchmark's (se_failover_window_ms), not a test's.
 */
describe("SE failover in every direction (lab appliances 127.0.123.x)", () => {
  let ha: HaLab;
  let traffic: TrafficLoop;
  const plainPort = randomPort();
  const plainServes = async () => {
    const res = await fetch(`http://${ha.vip}:${plainPort}/plain`);
    return ((await res.json()) as { path: string }).path;
  };

  beforeAll(async () => {
    ha = await startHaLab({ node: "console-123", hosts: HOSTS, vip: "127.0.123.100" });
    // A plain-HTTP service on the same SE: it needs no HSM and must ride out any HSM outage.
    await ha.caller().virtualServices.create({
      name: "plain",
      vip: ha.vip,
      ports: [{ port: plainPort, ssl: false }],
      pool: [ha.pool],
      seGroupId: ha.seGroupId,
    });
    traffic = new TrafficLoop(ha);
  }, 240_000);

  afterAll(async () => {
    await traffic?.stop();
    await ha?.close();
  });

  /** Service resumed after `since`, from `token`, and then 20 requests in a row all succeeded. */
  async function servesFrom(since: number, token: string): Promise<void> {
    const window = await traffic.resumed(since);
    console.log(`${token}: ${traffic.summary(since)}`);
    expect(ha.servedToken()).toBe(token);
    expect(await traffic.servedAfter(window.resumedAt, 20)).toEqual([]);
    expect(await ha.seState()).toMatchObject({ state: "running" });
  }

  it("starts on hsm1 (par43) and serves", async () => {
    expect(ha.servedToken()).toBe("par43");
    await traffic.servedAfter(0, 5);
    // A failure bound, not a timing goal: the whole suite on 2 loaded cores took over 30 s here.
    expect(await pollFor(async () => plainServes().catch(() => undefined), 90_000)).toBe("/plain");
  }, 120_000);

  it("A→B: hsm1 crashes (SIGKILL); the SE serves from hsm2 (par40)", async () => {
    const since = Date.now();
    await ha.lab.stopAppliance("hsm1", "SIGKILL");
    await servesFrom(since, "par40");
  }, 180_000);

  it("B→A: hsm1 is back, then hsm2 stops; the SE serves from hsm1 again (the key URI follows)", async () => {
    await ha.lab.startAppliance("hsm1");
    const since = Date.now();
    await ha.lab.stopAppliance("hsm2");
    await servesFrom(since, "par43");
  }, 180_000);

  it("both lost: failed with each member's cause; hsm2 back: serves from hsm2 on its own", async () => {
    await ha.lab.stopAppliance("hsm1", "SIGKILL");
    const failed = await pollFor(async () => {
      const s = await ha.seState();
      return s.state === "failed" && s.stateReason?.includes("127.0.123.13") ? s : undefined;
    }, 60_000);
    expect(failed.stateReason).toMatch(/127\.0\.123\.11: HSM unreachable/);
    expect(failed.stateReason).toMatch(/127\.0\.123\.13: HSM unreachable/);
    expect(await plainServes()).toBe("/plain"); // no HSM, no outage
    const plainVs = (await ha.caller().virtualServices.list()).find((v) => v.name === "plain");
    expect(plainVs).toMatchObject({ state: "up" });
    const since = Date.now();
    await ha.lab.startAppliance("hsm2");
    await servesFrom(since, "par40");
  }, 180_000);

  it("both lost again; hsm1 back: serves from hsm1 on its own", async () => {
    await ha.lab.stopAppliance("hsm2", "SIGKILL");
    await pollFor(async () => ((await ha.seState()).state === "failed" ? true : undefined), 60_000);
    const since = Date.now();
    await ha.lab.startAppliance("hsm1");
    await servesFrom(since, "par43");
  }, 180_000);

  it("client not registered on the other member: said so; fixed on the appliance, the SE follows by itself", async () => {
    await ha.lab.startAppliance("hsm2");
    expect((await ha.lab.lunash("hsm2", "client revokePartition -c se-1 -p par40")).result).toBe(0);
    await ha.lab.stopAppliance("hsm1", "SIGKILL");
    const failed = await pollFor(async () => {
      const s = await ha.seState();
      const both =
        s.stateReason?.includes("client not registered") && s.stateReason.includes("HSM unreachable");
      return s.state === "failed" && both ? s : undefined;
    }, 60_000);
    expect(failed.stateReason).toMatch(/127\.0\.123\.11: HSM unreachable/);
    expect(failed.stateReason).toMatch(
      /127\.0\.123\.13 \(par40\): client not registered \(.*par40 is not assigned/,
    );
    const since = Date.now();
    expect((await ha.lab.lunash("hsm2", "client assignPartition -c se-1 -p par40")).result).toBe(0);
    await servesFrom(since, "par40");
  }, 180_000);

  it("partition locked on the other member: said so; the password fixed, the SE follows by itself", async () => {
    await ha.lab.startAppliance("hsm1");
    const [hsm1] = await ha.db.select().from(hsmServers).where(eq(hsmServers.address, HOSTS.hsm1));
    const right = hsm1!.partitionPasswordEnc;
    const context = "hsm_servers.partition_password";
    const setPassword = (enc: string) =>
      ha.db.update(hsmServers).set({ partitionPasswordEnc: enc }).where(eq(hsmServers.id, hsm1!.id));
    await setPassword(encryptSecret("not-the-password", context));
    await ha.lab.stopAppliance("hsm2", "SIGKILL");
    const failed = await pollFor(async () => {
      const s = await ha.seState();
      const both = s.stateReason?.includes("partition locked") && s.stateReason.includes("HSM unreachable");
      return s.state === "failed" && both ? s : undefined;
    }, 90_000);
    expect(failed.stateReason).toMatch(/127\.0\.123\.11 \(par43\): partition locked/);
    expect(failed.stateReason).toMatch(/127\.0\.123\.13: HSM unreachable/);
    expect(failed.stateReason).not.toMatch(/not found/);
    const since = Date.now();
    await setPassword(right);
    await servesFrom(since, "par43");
  }, 180_000);
});
