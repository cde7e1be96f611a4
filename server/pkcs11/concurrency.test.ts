import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Pkcs11Client } from "./client";
import { clientFor, poll, type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";

let hsm: SoftHsmFixture;
let client: Pkcs11Client;
const token = { label: "busy" };

beforeAll(async () => {
  hsm = await softHsmFixture([token.label, "pins"]);
  client = clientFor(
    hsm.spec("concurrency-test", {
      timeoutMs: 30_000,
      env: { SOFTHSM2_CONF: hsm.confPath, HSM_PKCS11_TEST_HOOKS: "1" },
    }),
  );
  await client.login(token, USER_PIN);
});

afterAll(async () => {
  await client?.connection.close();
  await hsm?.cleanup();
});

let generationAttempts = 0;

describe("concurrency", () => {
  it("50 concurrent signs on the session pool: 0 CKR_OPERATION_ACTIVE", async () => {
    await client.generateKeyPair({ token, idHex: "c0", label: "rsa", spec: { type: "RSA", bits: 2048 } });
    await client.generateKeyPair({ token, idHex: "c1", label: "ec", spec: { type: "EC", curve: "P-256" } });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        client.sign({
          token,
          idHex: i % 2 ? "c0" : "c1",
          algorithm: i % 2 ? "RSASSA-PKCS1-v1_5" : "ECDSA",
          hash: "SHA-256",
          data: Buffer.from(`message ${i}`),
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toEqual([]);
    const stats = await client.stats();
    expect(stats.operationActiveErrors).toBe(0);
    expect(stats.sessions.busy?.open).toBeLessThanOrEqual(8);
  });

  it("16 concurrent key generations on one token: 0 errors", async () => {
    // Ids and labels of this attempt only, so that a retry starts clean.
    const attempt = (generationAttempts++).toString(16).padStart(2, "0");
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        client.generateKeyPair({
          token,
          idHex: `a${attempt}${i.toString(16)}`,
          label: `gen-${attempt}-${i}`,
          spec: i % 2 ? { type: "RSA", bits: 2048 } : { type: "EC", curve: i % 4 ? "P-384" : "P-256" },
        }),
      ),
    );
    const errors = results.flatMap((r) =>
      r.status === "rejected" ? [String((r.reason as Error).message)] : [],
    );
    expect(errors).toEqual([]);
    expect((await client.findKeys(token)).filter((k) => k.label.startsWith(`gen-${attempt}-`))).toHaveLength(16);
  });
});

describe("device error recovery", () => {
  it("drains in-flight calls, finalises, re-initialises and restores the login", async () => {
    const before = await client.stats();
    const inflight = client.generateKeyPair({
      token,
      idHex: "d0",
      label: "slow",
      spec: { type: "RSA", bits: 3072 },
    });
    await client.connection.call("injectFault", { ckr: "CKR_DEVICE_ERROR:48" });
    await expect(client.findKeys(token)).rejects.toMatchObject({ code: "HSM_DEVICE_ERROR" });
    // The next call waits for the drain (the key generation completes), then the instance is re-initialised.
    const [key, test] = await Promise.all([inflight, client.testKey(token, "c1")]);
    expect(key.idHex).toBe("d0");
    expect(test.ok).toBe(true);
    const after = await client.stats();
    expect(after.recoveries).toBe(before.recoveries + 1);
    expect(after.loginCalls).toBe(before.loginCalls + 1); // login restored once with the stored password
  });
});

describe("login", () => {
  const pins = { label: "pins" };

  it("a wrong PIN makes exactly one C_Login and reports the PIN flags; it is never retried", async () => {
    const before = (await client.stats()).loginCalls;
    const err = await client.login(pins, "wrong-pin").catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "HSM_PIN_INCORRECT", details: { pinFlags: { userPinLocked: false } } });
    expect((await client.stats()).loginCalls).toBe(before + 1);
    // Later operations do not retry the password.
    await expect(client.findKeys(pins)).rejects.toMatchObject({ code: "HSM_NOT_LOGGED_IN" });
    expect((await client.stats()).loginCalls).toBe(before + 1);
    // The right password logs in with one call; repeating it makes none.
    expect(await client.login(pins, USER_PIN)).toMatchObject({ loginCalled: true, alreadyLoggedIn: false });
    expect(await client.login(pins, USER_PIN)).toMatchObject({ loginCalled: false });
    expect((await client.stats()).loginCalls).toBe(before + 2);
  });

  it("a crashed worker fails its calls as unavailable, and the next call restarts it with logins restored", async () => {
    const pid = client.connection.workerPid;
    expect(pid).toBeTypeOf("number");
    const inflight = client.generateKeyPair({
      token,
      idHex: "b0",
      label: "x",
      spec: { type: "RSA", bits: 4096 },
    });
    process.kill(pid as number, "SIGKILL");
    await expect(inflight).rejects.toMatchObject({ code: "HSM_UNAVAILABLE" });
    await poll(() => client.connection.workerPid === undefined || undefined);
    expect((await client.testKey(token, "c1")).ok).toBe(true);
    expect(client.connection.workerPid).not.toBe(pid);
  });
});
