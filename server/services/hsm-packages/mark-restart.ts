import { eq, inArray } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, serviceEngineGroups, serviceEngines } from "@/server/db/schema";
import type { HsmPackageType } from "@/server/packages";
import { GROUP_TYPES_OF_PACKAGE } from "./package-types";

/** SEs of SE groups whose HSM group uses this package type install it at their next restart. */
export async function markRestartRequired(
  tx: DbOrTx,
  type: HsmPackageType,
  reason: string,
): Promise<number> {
  const groupIds = tx
    .select({ id: serviceEngineGroups.id })
    .from(serviceEngineGroups)
    .innerJoin(hsmGroups, eq(hsmGroups.id, serviceEngineGroups.hsmGroupId))
    .where(inArray(hsmGroups.type, GROUP_TYPES_OF_PACKAGE[type]));
  const rows = await tx
    .update(serviceEngines)
    .set({ restartRequiredReason: reason })
    .where(inArray(serviceEngines.groupId, groupIds))
    .returning({ id: serviceEngines.id });
  return rows.length;
}
