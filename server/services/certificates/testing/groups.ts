/** Test and bench fixtures (no tRPC, so benches can load them): the Local-SoftHSM group, an HA group. */
import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { encryptSecret } from "@/server/crypto/secrets";
import type { Db } from "@/server/db";
import { hsmGroups, hsmServers } from "@/server/db/schema";
import { SOFTHSM_LIBRARY } from "@/server/pkcs11";
import {
  installCloningKey,
  type SoftHsmFixture,
  softHsmFixture,
  USER_PIN,
} from "@/server/pkcs11/testing/fixtures";
import { allowLibraryFolder } from "@/server/testing/allow-libraries";
import { ensureLocalHsm, LOCAL_HSM_GROUP } from "../../hsm-groups/local-softhsm";

export async function localGroup(db: Db): Promise<{ id: string; tenantId: string }> {
  await ensureLocalHsm(db);
  const [group] = await db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
  return { id: group!.id, tenantId: group!.tenantId };
}

/**
 * A group over new SoftHSM tokens (one module) with the same cloning-domain key in each; HA on
 * unless `isHa: false`; `templates: false` gives the domain key a non-enforcing token would have.
 */
export async function haGroup(
  db: Db,
  tenantId: string,
  name: string,
  partitions: string[],
  opts: { templates?: boolean; isHa?: boolean } = {},
): Promise<{ id: string; hsm: SoftHsmFixture }> {
  const cloningKey = `${name}-cloning-domain`;
  const hsm = await softHsmFixture(partitions);
  allowLibraryFolder(hsm.dir);
  await installCloningKey(hsm, partitions, cloningKey, randomBytes(32), { templates: opts.templates });
  const [group] = await db
    .insert(hsmGroups)
    .values({
      tenantId,
      name,
      type: "pkcs11-module",
      isHa: opts.isHa ?? true,
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
