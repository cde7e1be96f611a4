import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { auditLog, loginThrottle } from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { issueSetupTokenIfNeeded } from "./setup-token";

// A pass-through spy: the real argon2 runs, the test only sees whether it was asked to.
vi.mock("@/server/crypto/passwords", async (importOriginal) => {
  const real = await importOriginal<typeof import("@/server/crypto/passwords")>();
  return { ...real, hashPassword: vi.fn(real.hashPassword) };
});
const passwords = await import("@/server/crypto/passwords");
const hashCalls = () => vi.mocked(passwords.hashPassword).mock.calls.length;

const PASSWORD = "first-admin-password";
const BOB_PASSWORD = "bob-has-a-good-password";
const ATTACKER = "127.0.126.1";
const ELSEWHERE = "127.0.126.2";

describe("setup and sign-in refuse work before checking, and cannot be turned against users", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let token: string;
  beforeAll(async () => {
    useTempDataDir();
    process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES = "3";
    handle = await openTestDb();
    token = (await issueSetupTokenIfNeeded(handle.db))!;
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES;
    await handle?.close();
  });

  const setupWith = (setupToken: string, address = ATTACKER) =>
    callerFor(handle.db, null, address).caller.auth.setup({
      setupToken,
      username: "admin",
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });

  it("checks the setup token before hashing any password, and throttles wrong tokens", async () => {
    const before = hashCalls();
    const refusals = [];
    for (let i = 0; i < 12; i++) refusals.push(await setupWith(`wrong-${i}`).catch((e) => e));
    expect(hashCalls()).toBe(before);
    expect(refusals[0]).toMatchObject({ message: expect.stringMatching(/setup token is not valid/) });
    expect(refusals.at(-1)).toMatchObject({ code: "TOO_MANY_REQUESTS" });
    // Another address still gets to set the console up with the right token.
    await setupWith(token, ELSEWHERE);
    expect(hashCalls()).toBe(before + 1);
  });

  it("is shut once setup is done: refused with a clear error, no hashing", async () => {
    const before = hashCalls();
    await expect(setupWith(token, ELSEWHERE)).rejects.toMatchObject({
      message: expect.stringMatching(/already set up/),
    });
    await expect(setupWith("anything", "127.0.126.9")).rejects.toMatchObject({
      message: expect.stringMatching(/already set up/),
    });
    expect(hashCalls()).toBe(before);
  });

  it("counts parallel wrong guesses: only the limit gets a password check", async () => {
    const { caller } = callerFor(handle.db, null, "127.0.126.3");
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => caller.auth.login({ username: "admin", password: "wrong-password" })),
    );
    const messages = results.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"));
    expect(messages.filter((m) => m === "Wrong username or password.")).toHaveLength(3);
    expect(messages.filter((m) => /Too many failed sign-in attempts/.test(m))).toHaveLength(7);
    // The right password from another address still works: the lock is per account and address.
    await callerFor(handle.db, null, ELSEWHERE).caller.auth.login({ username: "admin", password: PASSWORD });
  });

  it("30 wrong passwords from one address for various usernames lock nobody else out", async () => {
    const { caller: admin } = callerFor(handle.db, await signedIn("admin", PASSWORD, ELSEWHERE));
    await admin.users.create({
      username: "bob",
      password: BOB_PASSWORD,
      role: "operator",
    } as Parameters<typeof admin.users.create>[0]);
    const { caller: attacker } = callerFor(handle.db, null, ATTACKER);
    for (let i = 0; i < 30; i++) {
      await attacker.auth.login({ username: `user-${i % 10}`, password: "wrong-password" }).catch(() => null);
    }
    await signedIn("admin", PASSWORD, ELSEWHERE);
    // Bob shares the attacker's address (local users all come from one address) and still gets in.
    await signedIn("bob", BOB_PASSWORD, ATTACKER);
  });

  it("counts refusals of callers who are not signed in instead of writing one audit row each", async () => {
    const rowsBefore = await auditRows();
    const { caller } = callerFor(handle.db, null, "127.0.126.4");
    for (let i = 0; i < 20; i++) {
      await caller.auth.login({ username: `nobody-${i}`, password: "wrong-password" }).catch(() => null);
      await caller.users
        .create({ username: `x${i}`, password: "x".repeat(12), role: "operator" } as never)
        .catch(() => null);
    }
    expect((await auditRows()) - rowsBefore).toBeLessThanOrEqual(2);
    const [login] = await handle.db
      .select()
      .from(auditLog)
      .where(sql`${auditLog.action} = 'auth.login' and ${auditLog.address} = '127.0.126.4'`);
    expect(login?.detail).toMatchObject({ refusals: 20 });
    // Throttle rows are bounded: one per key per window, not one per attempt.
    const rows = await handle.db
      .select()
      .from(loginThrottle)
      .where(eq(loginThrottle.key, "account:nobody-1"));
    expect(rows.length).toBeLessThanOrEqual(1);
  });

  async function auditRows(): Promise<number> {
    const [row] = await handle.db.select({ n: sql<number>`count(*)::int` }).from(auditLog);
    return row!.n;
  }

  async function signedIn(username: string, password: string, address: string) {
    const { caller } = callerFor(handle.db, null, address);
    const user = await caller.auth.login({ username, password });
    const { resolveSession, createSession } = await import("./sessions");
    return resolveSession(handle.db, (await createSession(handle.db, user.id, address)).token);
  }
});
