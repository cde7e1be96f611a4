import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hsmGroups, hsmServers, localHsmTokens } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { ensureLocalHsm, LOCAL_HSM_GROUP, LOCAL_HSM_LABEL } from "./local-softhsm";

describe("the default HSM: a SoftHSM token in the data folder", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
  });
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates the token with its own SOFTHSM2_CONF, PINs encrypted, idempotently", async () => {
    const first = await ensureLocalHsm(handle.db);
    expect(first.created).toBe(true);
    const conf = fs.readFileSync(path.join(dataDir, "softhsm", "softhsm2.conf"), "utf8");
    expect(conf).toContain(path.join(dataDir, "softhsm", "tokens"));
    const second = await ensureLocalHsm(handle.db);
    expect(second).toMatchObject({ created: false, serial: first.serial });
    const [row] = await handle.db
      .select()
      .from(localHsmTokens)
      .where(eq(localHsmTokens.label, LOCAL_HSM_LABEL));
    expect(row!.userPinEnc.startsWith("v1:")).toBe(true);
    const groups = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
    expect(groups).toHaveLength(1);
    expect(groups[0]).toMatchObject({ type: "pkcs11-module", builtIn: true });
    const servers = await handle.db.select().from(hsmServers).where(eq(hsmServers.groupId, groups[0]!.id));
    expect(servers).toMatchObject([{ partition: LOCAL_HSM_LABEL, partitionSerial: first.serial }]);
  });

  it("opens the built-in group: a key generated through it is sensitive, non-extractable and signs", async () => {
    const [group] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
    const access = await openHsmGroup(handle.db, group!.tenantId, group!.id);
    const member = access.members[0]!;
    const key = await member.client.generateKeyPair({
      token: member.token,
      idHex: "0a0b0c",
      label: "local-test",
      spec: { type: "EC", curve: "P-256" },
    });
    expect(key).toMatchObject({ sensitive: true, extractable: false, origin: "generated" });
    const result = await member.client.testKey(member.token, "0a0b0c");
    expect(result.ok).toBe(true);
  });

  it("refuses a group of another tenant", async () => {
    const [group] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
    await expect(
      openHsmGroup(handle.db, "00000000-0000-4000-8000-000000000000", group!.id),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});
