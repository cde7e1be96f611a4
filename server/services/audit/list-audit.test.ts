import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { openTestDb } from "@/server/testing/test-db";
import { seedUser } from "@/server/testing/seed";
import type { Actor } from "../actor";
import { listAudit } from "./list-audit";
import { writeAudit } from "./write-audit";

describe("audit object types", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let user: SessionUser;
  let actor: Actor;

  beforeAll(async () => {
    handle = await openTestDb();
    user = await seedUser(handle.db, { username: "auditor" });
    actor = { ...user, userId: user.id, address: "127.0.0.1" };
  });
  afterAll(() => handle?.close());

  it("an HSM group is one object type, hsm-group, in the filter and the list, old rows included", async () => {
    const entry = (objectType: string, objectName: string) =>
      writeAudit(handle.db, {
        tenantId: user.tenantId,
        actorId: user.id,
        actorName: user.username,
        address: "127.0.0.1",
        action: "hsmGroupActions.testConnection",
        objectType,
        objectId: objectName,
        objectName,
        outcome: "success",
      });
    await entry("hsmGroup", "written-by-an-earlier-version");
    await entry("hsm-group", "written-now");
    await entry("certificate", "another-object");
    const page = await listAudit(handle.db, actor, { page: 1, pageSize: 50, objectType: "hsm-group" });
    expect(page.items.map((i) => i.objectName).sort()).toEqual([
      "written-by-an-earlier-version",
      "written-now",
    ]);
    expect(new Set(page.items.map((i) => i.objectType))).toEqual(new Set(["hsm-group"]));
  });
});
