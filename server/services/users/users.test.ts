import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";

const LAST_ADMIN = /last active administrator/;

describe("a tenant keeps an active administrator (checked inside the change's transaction)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let first: SessionUser;
  let second: SessionUser;
  beforeAll(async () => {
    handle = await openTestDb();
    first = await seedUser(handle.db, { username: "first-admin", tenant: "t-users" });
    second = await seedUser(handle.db, { username: "second-admin", tenant: "t-users" });
  });
  afterAll(async () => {
    await handle?.close();
  });

  const as = (user: SessionUser) => callerFor(handle.db, user).caller.users;

  it("refuses to demote or disable the last active administrator, allows it while another remains", async () => {
    await as(first).update({ id: second.id, role: "operator" });
    await expect(as(first).update({ id: first.id, role: "operator" })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(LAST_ADMIN),
    });
    await expect(as(first).update({ id: first.id, disabled: true })).rejects.toMatchObject({
      message: expect.stringMatching(LAST_ADMIN),
    });
    await as(first).update({ id: second.id, role: "admin" });
    await as(first).update({ id: first.id, disabled: true });
  });

  it("refuses to delete the last active administrator", async () => {
    // The first admin is disabled now (its session here still acts): the second is the last active one.
    await expect(as(first).remove({ id: second.id })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(LAST_ADMIN),
    });
    await as(second).update({ id: first.id, disabled: false });
    expect(await as(first).remove({ id: second.id })).toMatchObject({ username: "second-admin" });
  });
});
