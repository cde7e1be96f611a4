import fs from "node:fs";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { auditLog, hsmGroups } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import type { SoftHsmFixture } from "@/server/pkcs11/testing/fixtures";
import { haGroup } from "@/server/services/certificates/testing/groups";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";

/**
 * Issue #13: HA on a token whose cloning-domain key does not enforce its unwrap template makes
 * HA keys cloneable; setting it up needs the admin's explicit opt-in (refusal audited), and the
 * HA status names the members concerned. A token that enforces it needs no opt-in.
 */
describe("HA set-up and cloneable members", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  const fixtures: SoftHsmFixture[] = [];
  const caller = () => callerFor(handle.db, admin).caller;

  async function group(name: string, labels: string[], templates: boolean): Promise<string> {
    const made = await haGroup(handle.db, admin.tenantId, name, labels, { templates, isHa: false });
    fixtures.push(made.hsm);
    return made.id;
  }

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "hc-admin" });
  }, 60_000);

  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    await Promise.all(fixtures.map((f) => f.cleanup()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("a non-enforcing token: refused without the opt-in (audited), shown cloneable, accepted with it", async () => {
    const id = await group("hc-weak", ["hw-1", "hw-2"], false);
    const status = await caller().hsmGroupActions.haStatus({ id });
    expect(status.cloneableMembers.sort()).toEqual(["hw-1", "hw-2"]);
    await expect(caller().hsmGroupActions.setUpHa({ id })).rejects.toMatchObject({
      message: expect.stringContaining("cloneable"),
    });
    const [group1] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.id, id));
    expect(group1!.isHa).toBe(false);
    const refusals = await handle.db.select().from(auditLog).where(eq(auditLog.objectId, id));
    expect(refusals.some((r) => r.action.endsWith("setUpHa") && r.outcome !== "success")).toBe(true);

    const done = await caller().hsmGroupActions.setUpHa({ id, allowCloneable: true });
    expect(done).toMatchObject({ isHa: true });
    expect(done.cloneableMembers.sort()).toEqual(["hw-1", "hw-2"]);
  }, 120_000);

  it("an enforcing token: HA without any opt-in, no cloneable member", async () => {
    const id = await group("hc-strong", ["hs-1", "hs-2"], true);
    const done = await caller().hsmGroupActions.setUpHa({ id });
    expect(done).toMatchObject({ isHa: true, cloneableMembers: [] });
  }, 120_000);
});
