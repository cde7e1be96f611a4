import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { setDbHandleForTests } from "@/server/db";
import { createSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { handleRestRequest } from "./handler";

const ORIGIN = "https://console.test:3000";

interface Init {
  token?: string;
  cookie?: string;
  origin?: string;
  body?: unknown;
  contentType?: string;
}

async function rest(method: string, path: string, init: Init = {}) {
  const headers = new Headers({ host: "console.test:3000" });
  if (init.token) headers.set("authorization", `Bearer ${init.token}`);
  if (init.cookie) headers.set("cookie", `${SESSION_COOKIE}=${init.cookie}`);
  if (init.origin) headers.set("origin", init.origin);
  if (init.body !== undefined) headers.set("content-type", init.contentType ?? "application/json");
  const response = await handleRestRequest(
    new Request(`${ORIGIN}${path}`, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
  // biome-ignore lint/suspicious/noExplicitAny: test responses are checked field by field
  return { status: response.status, json: (await response.json()) as any };
}

describe("REST API over the tRPC procedures", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  let token: string;
  let readerToken: string;
  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = ORIGIN;
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "rest-admin" });
    const { caller } = callerFor(handle.db, admin);
    token = (await caller.apiTokens.create({ name: "rest", role: "admin", expiresInDays: 1 })).secret;
    readerToken = (await caller.apiTokens.create({ name: "ro", role: "read-only", expiresInDays: 1 })).secret;
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  it("lists, creates, looks up by name, gets, updates and deletes users with a bearer token", async () => {
    const listed = await rest("GET", "/api/user", { token });
    expect(listed.status).toBe(200);
    expect(listed.json.results.map((u: { username: string }) => u.username)).toContain("rest-admin");
    expect(listed.json.count).toBe(listed.json.results.length);

    const created = await rest("POST", "/api/user", {
      token,
      body: { username: "rest-user", password: "rest-user-password", role: "read-only" },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ username: "rest-user", role: "read-only", tenantName: "admin" });
    expect(created.json).not.toHaveProperty("password");
    const id = created.json.id as string;

    const byName = await rest("GET", "/api/user?name=rest-user", { token });
    expect(byName.json).toMatchObject({ count: 1, results: [{ id }] });
    expect((await rest("GET", "/api/user?name=nobody", { token })).json).toEqual({ count: 0, results: [] });

    expect((await rest("GET", `/api/user/${id}`, { token })).json).toMatchObject({ username: "rest-user" });

    const updated = await rest("PUT", `/api/user/${id}`, { token, body: { role: "operator" } });
    expect(updated).toMatchObject({ status: 200, json: { id, role: "operator" } });

    const deleted = await rest("DELETE", `/api/user/${id}`, { token });
    expect(deleted).toMatchObject({ status: 200, json: { id, username: "rest-user" } });
    const gone = await rest("GET", `/api/user/${id}`, { token });
    expect(gone).toMatchObject({ status: 404, json: { error: { code: "NOT_FOUND" } } });

    // The same audit trail as the browser: who, what, which object.
    const audit = await rest("GET", "/api/auditlog?action=users.&pageSize=10", { token });
    const actions = audit.json.results.map((e: { action: string; actorName: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["users.create", "users.update", "users.remove"]));
    expect(audit.json.results[0]).toMatchObject({ actorName: "rest-admin", objectName: "rest-user" });
  });

  it("finds an object by name beyond the first page of a paged list", async () => {
    const { sslCertificates } = await import("@/server/db/schema");
    const now = Date.now();
    await handle.db.insert(sslCertificates).values(
      Array.from({ length: 30 }, (_, i) => ({
        tenantId: admin.tenantId,
        name: `paged-${String(i).padStart(2, "0")}`,
        type: "self-signed" as const,
        status: "active" as const,
        keyAlgorithm: "EC" as const,
        keyOrigin: "generated" as const,
        subjectCn: `paged-${i}.example`,
        notBefore: new Date(now - 86_400_000),
        notAfter: new Date(now + (i + 1) * 86_400_000),
      })),
    );
    const firstPage = await rest("GET", "/api/sslkeyandcertificate", { token });
    expect(firstPage.json.results.map((c: { name: string }) => c.name)).not.toContain("paged-29");
    const found = await rest("GET", "/api/sslkeyandcertificate?name=paged-29", { token });
    expect(found.json).toMatchObject({ count: 1, results: [{ name: "paged-29" }] });
  });

  it("answers errors as { error: { code, message, field } } with the AppError status", async () => {
    const invalid = await rest("POST", "/api/user", {
      token,
      body: { username: "shorty", password: "short", role: "operator" },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.json.error).toMatchObject({
      code: "VALIDATION",
      field: "password",
      message: expect.stringMatching(/at least 12 characters/),
    });
    const duplicate = await rest("POST", "/api/user", {
      token,
      body: { username: "rest-admin", password: "long-enough-password", role: "operator" },
    });
    expect(duplicate).toMatchObject({
      status: 409,
      json: { error: { code: "CONFLICT", field: "username" } },
    });
    const badId = await rest("PUT", "/api/user/not-a-uuid", { token, body: { role: "operator" } });
    expect(badId).toMatchObject({ status: 400, json: { error: { code: "VALIDATION", field: "id" } } });
    expect(await rest("GET", "/api/nosuchthing", { token })).toMatchObject({
      status: 404,
      json: { error: { code: "NOT_FOUND" } },
    });
    expect((await rest("DELETE", "/api/auditlog/1", { token })).status).toBe(405);
    expect(
      (await rest("POST", "/api/user", { token, body: { username: "x" }, contentType: "text/plain" })).status,
    ).toBe(415);
  });

  it("refuses calls without a credential and changes beyond the token's role", async () => {
    expect(await rest("GET", "/api/user")).toMatchObject({
      status: 401,
      json: { error: { code: "UNAUTHENTICATED" } },
    });
    expect(await rest("GET", "/api/user", { token: "hsmc_wrong" })).toMatchObject({
      status: 401,
      json: { error: { message: "This API token is not valid." } },
    });
    expect((await rest("GET", "/api/user", { token: readerToken })).status).toBe(200);
    const refused = await rest("POST", "/api/tenant", { token: readerToken, body: { name: "t-ro" } });
    expect(refused).toMatchObject({ status: 403, json: { error: { code: "FORBIDDEN" } } });
    const denied = await rest("GET", "/api/auditlog?action=tenants.create&outcome=denied", { token });
    expect(denied.json.count).toBeGreaterThanOrEqual(1);
  });

  it("accepts a cookie session only from the console's own origin", async () => {
    const { token: cookie } = await createSession(handle.db, admin.id, null);
    const foreign = await rest("POST", "/api/tenant", {
      cookie,
      origin: "https://evil.example",
      body: { name: "evil-tenant" },
    });
    expect(foreign).toMatchObject({ status: 403, json: { error: { code: "FORBIDDEN" } } });
    expect((await rest("GET", "/api/user", { cookie, origin: "https://evil.example" })).status).toBe(403);
    const tenants = await rest("GET", "/api/tenant", { token });
    expect(tenants.json.results.map((t: { name: string }) => t.name)).not.toContain("evil-tenant");

    const own = await rest("POST", "/api/tenant", { cookie, origin: ORIGIN, body: { name: "own-tenant" } });
    expect(own).toMatchObject({ status: 201, json: { name: "own-tenant" } });
    // A proxy's Basic credentials passed through are not a token: the session still counts.
    const proxied = await handleRestRequest(
      new Request(`${ORIGIN}/api/user`, {
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, authorization: "Basic dXNlcjpwYXNz" },
      }),
    );
    expect(proxied.status).toBe(200);
    // A bearer token needs no Origin, and a foreign one does not matter: no cookie is trusted.
    const scripted = await rest("GET", "/api/tenant", { token, origin: "https://elsewhere.example" });
    expect(scripted.status).toBe(200);
  });

  it("refuses a cookie write without Origin, and trusts no Host header for the origin", async () => {
    const { token: cookie } = await createSession(handle.db, admin.id, null);
    const bare = await rest("POST", "/api/tenant", { cookie, body: { name: "no-origin-tenant" } });
    expect(bare).toMatchObject({ status: 403, json: { error: { code: "FORBIDDEN", message: /Origin/ } } });
    const forged = await handleRestRequest(
      new Request("https://evil.example/api/tenant", {
        method: "POST",
        headers: {
          host: "evil.example",
          origin: "https://evil.example",
          cookie: `${SESSION_COOKIE}=${cookie}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ name: "forged-host-tenant" }),
      }),
    );
    expect(forged.status).toBe(403);
    const names = (await rest("GET", "/api/tenant", { token })).json.results.map(
      (t: { name: string }) => t.name,
    );
    expect(names).not.toContain("no-origin-tenant");
    expect(names).not.toContain("forged-host-tenant");
  });

  it("refuses a 50 MB body with 413 before authenticating, without reading it whole", async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 50 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    // Chunked (no Content-Length) and no credential: only the streaming count can refuse it.
    const response = await handleRestRequest(
      new Request(`${ORIGIN}/api/tenant`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        duplex: "half",
      } as RequestInit),
    );
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("PAYLOAD_TOO_LARGE");
    expect(pulled).toBeLessThan(4 * 1024 * 1024);
    const declared = await handleRestRequest(
      new Request(`${ORIGIN}/api/tenant`, {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(50 * 1024 * 1024) },
        body: "{}",
      }),
    );
    expect(declared.status).toBe(413);
  });

  it("manages API tokens by REST; the secret is only in the creation response", async () => {
    const { token: cookie } = await createSession(handle.db, admin.id, null);
    const created = await rest("POST", "/api/apitoken", {
      cookie,
      origin: ORIGIN,
      body: { name: "via-rest", role: "read-only", expiresInDays: 7 },
    });
    expect(created.status).toBe(201);
    const secret = created.json.secret as string;
    expect(secret).toMatch(/^hsmc_/);
    const list = await rest("GET", "/api/apitoken?name=via-rest", { token: secret });
    expect(list.json.results).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(secret);
    const revoked = await rest("DELETE", `/api/apitoken/${created.json.id}`, { token });
    expect(revoked.json.status).toBe("revoked");
    expect((await rest("GET", "/api/apitoken", { token: secret })).status).toBe(401);
  });

  it("runs a declared resource action: POST /api/<resource>/<uuid>/<action>", async () => {
    const { caller } = callerFor(handle.db, admin);
    const target = await caller.apiTokens.create({ name: "to-revoke", role: "read-only", expiresInDays: 1 });
    const done = await rest("POST", `/api/apitoken/${target.id}/revoke`, { token, body: {} });
    expect(done).toMatchObject({ status: 200, json: { id: target.id, status: "revoked" } });
    expect((await rest("POST", `/api/apitoken/${target.id}/explode`, { token, body: {} })).status).toBe(405);
    expect((await rest("GET", `/api/apitoken/${target.id}/revoke`, { token })).status).toBe(405);
  });
});
