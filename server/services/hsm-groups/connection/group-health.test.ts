import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encryptSecret } from "@/server/crypto/secrets";
import { hsmGroups, hsmServers } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import type { Actor } from "../../actor";
import { ensureLocalHsm, LOCAL_HSM_GROUP } from "../local-softhsm";
import { groupHealth } from "./group-health";

describe("HSM group health, per member", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let actor: Actor;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    await ensureLocalHsm(handle.db);
    const user = await seedUser(handle.db, { username: "health-admin" });
    actor = { ...user, userId: user.id, address: null };
  });
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
  });

  it("measures a reachable member without logging in", async () => {
    const [group] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
    const health = await groupHealth(handle.db, actor, group!.id);
    expect(health.members).toHaveLength(1);
    expect(health.members[0]).toMatchObject({
      server: "hsm-console-local",
      reachable: true,
      lastError: null,
    });
    expect(health.members[0]!.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it("reports a member whose token is missing as unreachable, with the reason", async () => {
    const [group] = await handle.db
      .insert(hsmGroups)
      .values({
        tenantId: actor.tenantId,
        name: "missing-token",
        type: "pkcs11-module",
        moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so",
        moduleEnv: { SOFTHSM2_CONF: "/nonexistent/softhsm2.conf" },
      })
      .returning();
    await handle.db.insert(hsmServers).values({
      groupId: group!.id,
      position: 0,
      partition: "no-such-token",
      partitionPasswordEnc: encryptSecret("1234", "hsm_servers.partition_password"),
    });
    const health = await groupHealth(handle.db, actor, group!.id);
    expect(health.members[0]).toMatchObject({ reachable: false, latencyMs: null });
    expect(health.members[0]!.lastError).toBeTruthy();
  });
});
