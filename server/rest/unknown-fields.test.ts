import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { setDbHandleForTests } from "@/server/db";
import { ensureDefaultSeGroup } from "@/server/services/service-engines/bootstrap";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { handleRestRequest } from "./handler";

describe("unknown fields are refused with 400 naming them, on REST and tRPC", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  let token: string;
  let groupId: string;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "strict-admin" });
    groupId = (await ensureDefaultSeGroup(handle.db)).groupId;
    const { caller } = callerFor(handle.db, admin);
    token = (await caller.apiTokens.create({ name: "strict", role: "admin", expiresInDays: 1 })).secret;
  });
  afterAll(async () => {
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  const put = async (path: string, body: unknown) => {
    const response = await handleRestRequest(
      new Request(`http://console.test:3000${path}`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
    return { status: response.status, json: await response.json() };
  };

  it("PUT /api/serviceenginegroup/{id} with hardwaresecuritymodulegroup_ref is refused, naming it", async () => {
    const refused = await put(`/api/serviceenginegroup/${groupId}`, {
      hardwaresecuritymodulegroup_ref: "/api/hardwaresecuritymodulegroup/x",
      seCount: 2,
    });
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({
      code: "VALIDATION",
      field: "hardwaresecuritymodulegroup_ref",
      message: expect.stringMatching(/Unknown field "hardwaresecuritymodulegroup_ref"/),
    });
    // Nothing changed: the known field in the same body was not applied either.
    const { caller } = callerFor(handle.db, admin);
    expect((await caller.serviceEngineGroups.list()).find((g) => g.id === groupId)?.seCount).toBe(1);
    expect((await put(`/api/serviceenginegroup/${groupId}`, { seCount: 1 })).status).toBe(200);
  });

  it("tRPC inputs with unknown fields, nested ones included, are refused naming them", async () => {
    const { caller } = callerFor(handle.db, admin);
    await expect(
      caller.users.create({
        username: "eve",
        password: "a-long-password",
        role: "operator",
        isRoot: true,
      } as never),
    ).rejects.toMatchObject({ code: "BAD_REQUEST", cause: { field: "isRoot" } });
    await expect(
      caller.virtualServices.create({
        name: "nested",
        vip: "127.0.126.20",
        ports: [{ port: 28443, ssl: false, proxyProtocol: true }],
        pool: [{ host: "127.0.0.1", port: 8081 }],
        seGroupId: groupId,
      } as never),
    ).rejects.toMatchObject({ cause: { field: "ports.0.proxyProtocol" } });
    // Known fields alone still work, defaults and optional fields included.
    await caller.users.create({ username: "eve", password: "a-long-password", role: "operator" });
  });
});
