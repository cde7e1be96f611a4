/** Test-only helpers: a console with the Local-SoftHSM group and a signed-in admin. */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import type { SessionUser } from "@/lib/schemas/auth";
import type { Db } from "@/server/db";
import { encryptSecret } from "@/server/crypto/secrets";
import { hsmGroups, hsmServers } from "@/server/db/schema";
import { SOFTHSM_LIBRARY } from "@/server/pkcs11";
import {
  installCloningKey,
  type SoftHsmFixture,
  softHsmFixture,
  USER_PIN,
} from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { openHsmGroup } from "../hsm-groups/hsm-access";
import { ensureLocalHsm, LOCAL_HSM_GROUP } from "../hsm-groups/local-softhsm";

export async function localGroup(db: Db): Promise<{ id: string; tenantId: string }> {
  await ensureLocalHsm(db);
  const [group] = await db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
  return { id: group!.id, tenantId: group!.tenantId };
}

/** Polls until the background creation has finished (status no longer "creating"). */
export async function settled(db: Db, user: SessionUser, id: string, timeoutMs = 30_000) {
  const { caller } = callerFor(db, user);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const cert = await caller.certificates.get({ id });
    if (cert.status !== "creating") return cert;
    if (Date.now() > deadline) throw new Error(`certificate ${id} still creating`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every key object on the Local-SoftHSM token. */
export async function tokenKeys(db: Db, tenantId: string, groupId: string) {
  const access = await openHsmGroup(db, tenantId, groupId);
  const m = access.members[0]!;
  return m.client.findKeys(m.token);
}

/** An HA group over new SoftHSM tokens (one module) with the same cloning-domain key in each. */
export async function haGroup(
  db: Db,
  tenantId: string,
  name: string,
  partitions: string[],
): Promise<{ id: string; hsm: SoftHsmFixture }> {
  const cloningKey = `${name}-cloning-domain`;
  const hsm = await softHsmFixture(partitions);
  await installCloningKey(hsm, partitions, cloningKey, randomBytes(32));
  const [group] = await db
    .insert(hsmGroups)
    .values({
      tenantId,
      name,
      type: "pkcs11-module",
      isHa: true,
      moduleLibrary: SOFTHSM_LIBRARY,
      moduleEnv: { SOFTHSM2_CONF: hsm.confPath },
      cloningKeyLabel: cloningKey,
    })
    .returning();
  await db.insert(hsmServers).values(
    partitions.map((partition, position) => ({
      groupId: group!.id,
      position,
      partition,
      partitionPasswordEnc: encryptSecret(USER_PIN, "hsm_servers.partition_password"),
    })),
  );
  return { id: group!.id, hsm };
}
