import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { sha256Hex } from "@/server/crypto/tokens";
import { setDbHandleForTests } from "@/server/db";
import { apiTokens, auditLog, users } from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { handleTrpcRequest } from "@/server/trpc/handler";
import { authenticateToken } from "./authenticate-token";
import { cachedToken, TOKEN_CACHE_MS } from "./token-cache";

const ORIGIN = "http://console.test:3000";

function trpcGet(path: string, token: string): Promise<Response> {
  return handleTrpcRequest(
    new Request(`${ORIGIN}/api/trpc/${path}`, { headers: { authorization: `Bearer ${token}` } }),
  );
}

describe("API tokens: shown once, hashed at rest, refused when expired/revoked/wrong", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "token-admin" });
  });
  afterAll(async () => {
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  // Refused tokens are counted: one audit row per token, address and hour holds detail.refusals.
  const deniedFor = async (tokenName: string | null) =>
    (await handle.db.select().from(auditLog).where(eq(auditLog.action, "auth.token")))
      .filter((e) => e.outcome === "denied" && e.objectName === tokenName)
      .reduce((sum, e) => sum + Number(e.detail?.refusals ?? 0), 0);

  it("returns the secret once; only its SHA-256 is stored; it never reaches the audit log", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "ci", role: "operator", expiresInDays: 30 });
    expect(created.secret).toMatch(/^hsmc_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({
      name: "ci",
      role: "operator",
      status: "active",
      username: "token-admin",
    });

    const listed = await caller.apiTokens.list();
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(listed.find((t) => t.id === created.id)).not.toHaveProperty("secret");

    const dump = JSON.stringify([
      await handle.db.select().from(apiTokens),
      await handle.db.select().from(auditLog),
    ]);
    expect(dump).not.toContain(created.secret);
    expect(dump).not.toContain(created.secret.slice(12));
    const [row] = await handle.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row!.tokenHash).toBe(sha256Hex(created.secret));
  });

  it("authenticates the tRPC route with the token's role and records the last use", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "reader", role: "read-only", expiresInDays: 1 });
    const ok = await trpcGet("auth.status", created.secret);
    const body = (await ok.json()) as { result: { data: { user: SessionUser } } };
    expect(body.result.data.user).toMatchObject({ username: "token-admin", role: "read-only" });
    const [row] = await handle.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    // The role is the token's, not the owner's: a read-only token cannot change anything.
    const tokenCaller = callerFor(handle.db, body.result.data.user).caller;
    await expect(
      tokenCaller.users.create({ username: "nope", password: "long-enough-password", role: "admin" }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("refuses a revoked token, and audits the refusal", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "revoked", role: "admin", expiresInDays: 1 });
    expect((await trpcGet("users.list", created.secret)).status).toBe(200);
    await caller.apiTokens.revoke({ id: created.id });
    const refused = await trpcGet("users.list", created.secret);
    expect(refused.status).toBe(401);
    expect(JSON.stringify(await refused.json())).toMatch(/revoked/);
    expect(await deniedFor("revoked")).toBe(1);
  });

  it("refuses a token at once when its owner is disabled through the console, though it was just used", async () => {
    const owner = await seedUser(handle.db, { username: "disabled-later", role: "operator" });
    const created = await callerFor(handle.db, owner).caller.apiTokens.create({
      name: "in-use",
      role: "operator",
      expiresInDays: 1,
    });
    expect(await authenticateToken(handle.db, created.secret, null)).toMatchObject({ ok: true });
    await callerFor(handle.db, admin).caller.users.update({ id: owner.id, disabled: true });
    expect(await authenticateToken(handle.db, created.secret, null)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/disabled/),
    });
  });

  it("sees a change made by another node (the database alone) once the short cache has lapsed", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "elsewhere", role: "admin", expiresInDays: 1 });
    expect(await authenticateToken(handle.db, created.secret, null)).toMatchObject({ ok: true });
    await handle.db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, created.id));
    const hash = sha256Hex(created.secret);
    expect(cachedToken(hash)).toBeDefined();
    expect(cachedToken(hash, Date.now() + TOKEN_CACHE_MS)).toBeUndefined();
    expect(await authenticateToken(handle.db, created.secret, null)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/revoked/),
    });
  });

  it("refuses an expired token, and audits the refusal", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "expired", role: "admin", expiresInDays: 1 });
    await handle.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, created.id));
    const result = await authenticateToken(handle.db, created.secret, "10.1.1.1");
    expect(result).toEqual({ ok: false, message: expect.stringMatching(/expired/) });
    expect((await trpcGet("users.list", created.secret)).status).toBe(401);
    expect(await deniedFor("expired")).toBe(2);
  });

  it("refuses a wrong token and a token of a disabled owner", async () => {
    const before = await deniedFor(null);
    expect(await authenticateToken(handle.db, "hsmc_not-a-real-token", null)).toMatchObject({ ok: false });
    expect((await trpcGet("users.list", "Basic-looking-garbage")).status).toBe(401);
    expect(await deniedFor(null)).toBe(before + 2);

    const owner = await seedUser(handle.db, { username: "soon-disabled", role: "operator" });
    const created = await callerFor(handle.db, owner).caller.apiTokens.create({
      name: "orphan",
      role: "operator",
      expiresInDays: 1,
    });
    await handle.db.update(users).set({ disabled: true }).where(eq(users.id, owner.id));
    expect(await authenticateToken(handle.db, created.secret, null)).toMatchObject({
      ok: false,
      message: expect.stringMatching(/disabled/),
    });
  });

  it("caps the role at the creator's own", async () => {
    const operator = await seedUser(handle.db, { username: "op", role: "operator" });
    const { caller } = callerFor(handle.db, operator);
    await expect(
      caller.apiTokens.create({ name: "too-much", role: "admin", expiresInDays: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringMatching(/more rights/) });
    await expect(
      caller.apiTokens.create({ name: "sideways", role: "security-admin", expiresInDays: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(
      caller.apiTokens.create({ name: "same", role: "operator", expiresInDays: 1 }),
    ).resolves.toMatchObject({ role: "operator" });
    const { caller: adminCaller } = callerFor(handle.db, admin);
    const page = await adminCaller.audit.list({ action: "apiTokens.create", outcome: "denied" });
    expect(page.items.map((e) => e.objectName)).toEqual(expect.arrayContaining(["too-much", "sideways"]));
  });

  it("a token cannot create tokens", async () => {
    const { caller } = callerFor(handle.db, admin);
    const created = await caller.apiTokens.create({ name: "minter", role: "admin", expiresInDays: 1 });
    const { caller: viaToken, ctx } = callerFor(handle.db, admin);
    ctx.apiTokenId = created.id;
    await expect(
      viaToken.apiTokens.create({ name: "child", role: "admin", expiresInDays: 1 }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });
});
