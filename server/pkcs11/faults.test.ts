import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pkcs11Client } from "./client";
import { ManualClock } from "@/server/testing/manual-clock";
import { clientFor, P11KitServer, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";

/**
 * Network appliances: p11-kit servers over SoftHSM tokens, reached through p11-kit-client.so.
 * Connection `a` runs on a manual clock: its timeout passes when the test says (how long a hung
 * call really takes to fail is measured in bench/hung-call.bench.ts).
 */
let hsm: SoftHsmFixture;
let serverA: P11KitServer;
let serverB: P11KitServer;
let a: Pkcs11Client;
let b: Pkcs11Client;
const tokenA = { label: "net-a" };
const tokenB = { label: "net-b" };
const TIMEOUT = 3_000;
const clock = new ManualClock();
const sign = (c: Pkcs11Client, token: { label: string }) =>
  c.sign({ token, idHex: "0a", algorithm: "ECDSA", hash: "SHA-256", data: Buffer.from("ping") });

beforeAll(async () => {
  hsm = await softHsmFixture([tokenA.label, tokenB.label]);
  serverA = new P11KitServer(path.join(hsm.dir, "a.sock"), hsm.confPath, tokenA.label);
  serverB = new P11KitServer(path.join(hsm.dir, "b.sock"), hsm.confPath, tokenB.label);
  await Promise.all([serverA.start(), serverB.start()]);
  a = clientFor({ name: "net-a", socketPath: serverA.socketPath, timeoutMs: TIMEOUT }, clock);
  // b's clock never moves: a busy machine cannot time its calls out.
  b = clientFor({ name: "net-b", socketPath: serverB.socketPath, timeoutMs: TIMEOUT }, new ManualClock());
  for (const [c, token] of [
    [a, tokenA],
    [b, tokenB],
  ] as const) {
    await c.login(token, USER_PIN);
    await c.generateKeyPair({ token, idHex: "0a", label: "k", spec: { type: "EC", curve: "P-256" } });
  }
});

afterAll(async () => {
  await Promise.all([a?.connection.close(), b?.connection.close()]);
  await Promise.all([serverA?.kill(), serverB?.kill()]);
  await hsm?.cleanup();
});

describe("network appliance faults", () => {
  it("works through p11-kit-client", async () => {
    expect((await a.testKey(tokenA, "0a")).ok).toBe(true);
    const slots = await a.listSlots();
    expect(slots.map((s) => s.token?.label)).toEqual(["net-a"]);
  });

  it("SIGSTOP: the call fails with a timeout when its deadline passes, while another connection answers", async () => {
    serverA.signal("SIGSTOP");
    try {
      let settled = false;
      const stuck = sign(a, tokenA).then(
        () => ({ ok: true }),
        (e: { code?: string; details?: unknown }) => ({ ok: false, code: e.code, details: e.details }),
      );
      void stuck.finally(() => {
        settled = true;
      });
      await clock.armed(TIMEOUT); // the call is sent: its deadline runs
      const other = await sign(b, tokenB);
      expect(other.length).toBeGreaterThan(0);
      expect(settled).toBe(false); // the hung appliance holds only its own caller
      clock.advance(TIMEOUT);
      expect(await stuck).toEqual({
        ok: false,
        code: "HSM_TIMEOUT",
        details: { operation: "sign", timeoutMs: TIMEOUT },
      });
    } finally {
      serverA.signal("SIGCONT");
    }
    // The hung worker was killed; the next call starts a new one and logs in again by itself.
    expect((await a.testKey(tokenA, "0a")).ok).toBe(true);
  });

  it("appliance killed: unavailable; restarted: the next operation succeeds without restarting anything", async () => {
    const pid = a.connection.workerPid;
    await serverA.kill();
    await expect(sign(a, tokenA)).rejects.toMatchObject({ code: "HSM_UNAVAILABLE" });
    await expect(sign(a, tokenA)).rejects.toMatchObject({ code: "HSM_UNAVAILABLE" });
    expect((await b.testKey(tokenB, "0a")).ok).toBe(true);
    await serverA.start();
    expect((await sign(a, tokenA)).length).toBeGreaterThan(0);
    // Same worker process: the module instance was finalised and initialised again inside it.
    expect(a.connection.workerPid).toBe(pid);
    expect((await a.stats()).recoveries).toBeGreaterThanOrEqual(1);
  });
});
