import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { encryptSecret } from "@/server/crypto/secrets";
import { hsmGroups, hsmServers, serviceEngineGroups, serviceEngines } from "@/server/db/schema";
import { P11_KIT_CLIENT } from "@/server/pkcs11";
import { allowLibraryFolder } from "@/server/testing/allow-libraries";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { hsmAccessFor } from "./build-spec";

/** How an SE reaches a local PKCS#11 module group: the group's library and environment, any vendor. */
describe("hsmAccessFor a local PKCS#11 module group", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let se: typeof serviceEngines.$inferSelect;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "bs-admin" });
    const [seGroup] = await handle.db
      .insert(serviceEngineGroups)
      .values({ tenantId: admin.tenantId, name: "bs-group" })
      .returning();
    [se] = (await handle.db
      .insert(serviceEngines)
      .values({ groupId: seGroup!.id, name: "bs-se", nodeName: "node-1", managementIp: "127.0.0.1" })
      .returning()) as [typeof serviceEngines.$inferSelect];
  });

  afterAll(async () => {
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  async function moduleGroup(name: string, moduleLibrary: string, moduleEnv?: Record<string, string>) {
    const [group] = await handle.db
      .insert(hsmGroups)
      .values({ tenantId: admin.tenantId, name, type: "pkcs11-module", moduleLibrary, moduleEnv })
      .returning();
    await handle.db.insert(hsmServers).values({
      groupId: group!.id,
      position: 0,
      partition: `${name}-token`,
      partitionPasswordEnc: encryptSecret("vendor-pin", "hsm_servers.partition_password"),
    });
    return group!.id;
  }

  it("a vendor library with its environment: exported as is, PIN decrypted for the SE's PIN file", async () => {
    const env = { P11_KIT_SERVER_ADDRESS: "unix:path=/run/vendor.sock" };
    allowLibraryFolder("/run"); // as the host would declare its vendor socket folder
    const { access, tokenLabel } = await hsmAccessFor(
      handle.db,
      await moduleGroup("vendor", P11_KIT_CLIENT, env),
      se,
    );
    expect(access).toEqual({
      kind: "module",
      providerPath: P11_KIT_CLIENT,
      env,
      tokenLabel: "vendor-token",
      pin: "vendor-pin",
    });
    expect(tokenLabel).toBeNull();
  });

  it("SoftHSM on its default configuration (no environment) is no longer refused", async () => {
    const groupId = await moduleGroup("system-softhsm", "/usr/lib/softhsm/libsofthsm2.so");
    const { access } = await hsmAccessFor(handle.db, groupId, se);
    expect(access).toMatchObject({
      kind: "module",
      providerPath: "/usr/lib/softhsm/libsofthsm2.so",
      env: {},
    });
  });
});
