import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "@/server/testing/callers";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { resolveSession, SESSION_COOKIE } from "./sessions";
import { issueSetupTokenIfNeeded } from "./setup-token";

const PASSWORD = "first-admin-password";

function cookieValue(headers: Headers): string {
  const match = headers.get("set-cookie")?.match(new RegExp(`${SESSION_COOKIE}=([^;]*)`));
  return decodeURIComponent(match?.[1] ?? "");
}

describe("first start, sign-in, throttling and sign-out", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = useTempDataDir();
    process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES = "3";
    handle = await openTestDb();
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_LOGIN_MAX_ACCOUNT_FAILURES;
    await handle?.close();
  });

  it("issues a new one-time token on each start until setup, and only the newest works", async () => {
    const old = await issueSetupTokenIfNeeded(handle.db);
    const token = await issueSetupTokenIfNeeded(handle.db);
    expect(fs.readFileSync(path.join(dataDir, "setup-token"), "utf8").trim()).toBe(token);
    expect((fs.statSync(path.join(dataDir, "setup-token")).mode & 0o777).toString(8)).toBe("600");
    const { caller } = callerFor(handle.db, null);
    await expect(
      caller.auth.setup({
        setupToken: old!,
        username: "admin",
        password: PASSWORD,
        confirmPassword: PASSWORD,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/setup token is not valid/) });
    const { caller: c2, ctx } = callerFor(handle.db, null);
    await c2.auth.setup({
      setupToken: token!,
      username: "admin",
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    const user = await resolveSession(handle.db, cookieValue(ctx.resHeaders));
    expect(user).toMatchObject({ username: "admin", role: "admin", tenantName: "admin" });
    expect(fs.existsSync(path.join(dataDir, "setup-token"))).toBe(false);
    await expect(
      caller.auth.setup({
        setupToken: token!,
        username: "admin2",
        password: PASSWORD,
        confirmPassword: PASSWORD,
      }),
    ).rejects.toMatchObject({ message: expect.stringMatching(/already set up/) });
    expect(await issueSetupTokenIfNeeded(handle.db)).toBeNull();
  });

  it("refuses a wrong password with one message, then throttles the account", async () => {
    const { caller } = callerFor(handle.db, null, "10.9.9.9");
    for (let i = 0; i < 3; i++) {
      await expect(
        caller.auth.login({ username: "admin", password: "wrong-password" }),
      ).rejects.toMatchObject({
        message: "Wrong username or password.",
      });
    }
    // Even the right password is refused while the account is locked.
    await expect(caller.auth.login({ username: "admin", password: PASSWORD })).rejects.toMatchObject({
      code: "TOO_MANY_REQUESTS",
      message: expect.stringMatching(/Too many failed sign-in attempts for this account/),
    });
    const { caller: admin } = callerFor(handle.db, (await resolveSessionFor("admin"))!);
    // Refusals of callers who are not signed in are counted on one row per address and hour.
    const denied = await admin.audit.list({ action: "auth.login", outcome: "denied" });
    expect(denied.items.find((row) => row.address === "10.9.9.9")?.detail).toMatchObject({ refusals: 4 });
  });

  it("sign-out deletes the session on the server", async () => {
    const user = (await resolveSessionFor("admin"))!;
    const { createSession } = await import("./sessions");
    const created = await createSession(handle.db, user.id, null);
    expect(await resolveSession(handle.db, created.token)).not.toBeNull();
    const { caller, ctx } = callerFor(handle.db, user);
    ctx.sessionToken = created.token;
    await caller.auth.logout();
    expect(await resolveSession(handle.db, created.token)).toBeNull();
  });

  async function resolveSessionFor(username: string) {
    const { createSession } = await import("./sessions");
    const { users } = await import("@/server/db/schema");
    const { eq } = await import("drizzle-orm");
    const [row] = await handle.db.select().from(users).where(eq(users.username, username));
    return resolveSession(handle.db, (await createSession(handle.db, row!.id, null)).token);
  }
});
