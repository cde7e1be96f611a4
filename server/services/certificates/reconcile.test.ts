import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { type DbHandle, openDb } from "@/server/db/client";
import { sslCertificates } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { useTempDataDir } from "@/server/testing/test-env";
import { groupInventory, removeOrphan } from "./inventory";
import { keyCreatedAt } from "./key-material";
import { killAt } from "./testing/crash-round";
import { localGroup } from "./testing/groups";
import { settled, tokenKeys } from "./testing/observe";

/** Long enough that no machine is slow enough to pass it before the early checks; "later" is a parameter. */
const GRACE_SECONDS = 600;

/**
 * Fault: the process that creates a certificate is killed (SIGKILL) after the key exists and before
 * the row is active. On the next start the reconciler reports the orphan, refuses to remove it
 * within the grace period, then removes it — and nothing else.
 */
describe("crash between key creation and activation", () => {
  let dataDir: string;
  let handle: DbHandle;
  let admin: SessionUser;
  let group: { id: string; tenantId: string };

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS = String(GRACE_SECONDS);
    dataDir = useTempDataDir();
    handle = await openDb({ pgliteDir: path.join(dataDir, "db") });
    group = await localGroup(handle.db);
    admin = await seedUser(handle.db, { username: "reconciler" });
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS;
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("reports the orphan, keeps it during the grace period, then removes only it", {
    timeout: 120_000,
  }, async () => {
    const caller = () => callerFor(handle.db, admin).caller;
    const kept = await caller().certificates.create({
      name: "survivor",
      type: "self-signed",
      hsmGroupId: group.id,
      key: "EC-P-256",
      commonName: "survivor.test",
      validityDays: 30,
    });
    await settled(handle.db, admin, kept.id);
    // The child needs the database folder to itself (PGlite is single-process).
    await handle.close();

    const { killed } = await killAt(dataDir, {
      name: "doomed",
      kind: "self-signed",
      groupId: group.id,
      userId: admin.id,
      point: "after-key",
    });
    expect(killed).toBe(true);

    // "Restart": reopen the database.
    handle = await openDb({ pgliteDir: path.join(dataDir, "db") });
    const [doomed] = await handle.db.select().from(sslCertificates).where(eq(sslCertificates.name, "doomed"));
    expect(doomed!.status).toBe("creating");
    const survivorKey = (await caller().certificates.get({ id: kept.id })).keyIdHex!;

    const early = await caller().certificates.inventory({ hsmGroupId: group.id });
    expect(early.complete).toBe(true);
    const orphan = early.keys.find((k) => k.idHex === doomed!.keyIdHex)!;
    expect(orphan).toMatchObject({ label: "hsm-console:doomed", removable: false });
    expect(early.keys.find((k) => k.idHex === survivorKey)).toMatchObject({
      kind: "certificate",
      removable: false,
    });
    await expect(
      caller().certificates.removeOrphan({ hsmGroupId: group.id, idHex: orphan.idHex }),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      caller().certificates.removeOrphan({ hsmGroupId: group.id, idHex: survivorKey }),
    ).rejects.toMatchObject({ code: "CONFLICT" });

    // The key's age comes from its CKA_ID (UUIDv7): look again from just past the grace period.
    const later = keyCreatedAt(orphan.idHex)!.getTime() + GRACE_SECONDS * 1000 + 1000;
    const actor = { ...admin, userId: admin.id, address: null };
    const seen = await groupInventory(handle.db, actor, group.id, later);
    expect(seen.keys.find((k) => k.idHex === orphan.idHex)).toMatchObject({
      kind: "orphan",
      removable: true,
    });
    await removeOrphan(handle.db, actor, group.id, orphan.idHex, later);

    const keys = await tokenKeys(handle.db, group.tenantId, group.id);
    expect(keys.map((k) => k.idHex)).not.toContain(orphan.idHex);
    expect(keys.map((k) => k.idHex)).toContain(survivorKey);
    expect((await caller().certificates.get({ id: doomed!.id })).status).toBe("failed");
    expect((await caller().certificates.testKey({ id: kept.id })).results[0]!.ok).toBe(true);
  });
});
