import { count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setDbHandleForTests } from "@/server/db";
import { users } from "@/server/db/schema";
import { createSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { handleTrpcRequest } from "@/server/trpc/handler";

const ORIGIN = "https://console.test:3000";
const SETUP = "/api/trpc/auth.setup";
const body = {
  setupToken: "x",
  username: "intruder",
  password: "long-enough-password",
  confirmPassword: "long-enough-password",
};

function post(
  path: string,
  init: { contentType: string; body: string; origin?: string; site?: string },
): Promise<Response> {
  const headers = new Headers({ host: "console.test:3000", "content-type": init.contentType });
  if (init.origin) headers.set("origin", init.origin);
  if (init.site) headers.set("sec-fetch-site", init.site);
  return handleTrpcRequest(new Request(`${ORIGIN}${path}`, { method: "POST", headers, body: init.body }));
}

describe("the tRPC route refuses cross-site and non-JSON mutations", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = ORIGIN;
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  const userCount = async () => (await handle.db.select({ n: count() }).from(users))[0]!.n;

  it.each([
    [
      "form-encoded",
      { contentType: "application/x-www-form-urlencoded", body: "username=intruder", origin: ORIGIN },
      415,
    ],
    ["text/plain", { contentType: "text/plain", body: JSON.stringify(body) }, 415],
    ["multipart", { contentType: "multipart/form-data; boundary=x", body: "--x--" }, 415],
    [
      "JSON with a foreign Origin",
      { contentType: "application/json", body: JSON.stringify(body), origin: "https://evil.example" },
      403,
    ],
    [
      "JSON marked cross-site by the browser",
      { contentType: "application/json", body: JSON.stringify(body), site: "cross-site" },
      403,
    ],
  ])("%s is refused", async (_name, init, status) => {
    const before = await userCount();
    const response = await post(SETUP, init);
    expect(response.status).toBe(status);
    const json = (await response.json()) as { error: { message: string } };
    expect(json.error.message).toMatch(/application\/json|not accepted|Origin/);
    expect(await userCount()).toBe(before);
  });

  it("a same-origin JSON mutation reaches the procedure", async () => {
    const response = await post(SETUP, {
      contentType: "application/json",
      body: JSON.stringify(body),
      origin: ORIGIN,
    });
    // The procedure ran and refused the bad setup token: the guard let it through.
    expect(response.status).toBe(400);
    const json = (await response.json()) as { error: { data: { field: string } } };
    expect(json.error.data.field).toBe("setupToken");
  });

  it("refuses users.create with a forged Host and a matching Origin (origins come from configuration)", async () => {
    const admin = await seedUser(handle.db, { username: "xsite-admin" });
    const { token } = await createSession(handle.db, admin.id, null);
    const response = await handleTrpcRequest(
      new Request("https://evil.example/api/trpc/users.create", {
        method: "POST",
        headers: {
          host: "evil.example",
          origin: "https://evil.example",
          "x-forwarded-proto": "https",
          cookie: `${SESSION_COOKIE}=${token}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({ username: "planted", password: "planted-password-1", role: "admin" }),
      }),
    );
    expect(response.status).toBe(403);
    expect(await handle.db.select().from(users).where(eq(users.username, "planted"))).toHaveLength(0);
  });

  it("refuses batches above the cap", async () => {
    const paths = Array.from({ length: 11 }, () => "auth.status").join(",");
    const response = await handleTrpcRequest(new Request(`${ORIGIN}/api/trpc/${paths}?batch=1&input={}`));
    expect(response.status).toBe(400);
  });
});
