import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { serviceEngineGroups, serviceEngines } from "@/server/db/schema";

/**
 * The document: a change of the HSM group takes effect on an SE only after it restarts. Marks
 * the SEs of every SE group using this HSM group; the SE groups feature applies it.
 */
export async function markSeGroupsRestartRequired(
  db: Db,
  hsmGroupId: string,
  reason: string,
): Promise<number> {
  const groups = await db
    .select({ id: serviceEngineGroups.id })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.hsmGroupId, hsmGroupId));
  if (groups.length === 0) return 0;
  const marked = await db
    .update(serviceEngines)
    .set({ state: "restart-required", restartRequiredReason: reason, stateSince: new Date() })
    .where(
      inArray(
        serviceEngines.groupId,
        groups.map((g) => g.id),
      ),
    )
    .returning({ id: serviceEngines.id });
  return marked.length;
}
