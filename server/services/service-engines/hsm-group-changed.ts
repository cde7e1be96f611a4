import { eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { serviceEngineGroups, serviceEngines } from "@/server/db/schema";
import { currentSupervisor } from "./supervisor";

/**
 * For the HSM groups feature: the group itself changed (servers, partition password, client
 * certificate). Running SEs keep their HSM sessions, so every SE of the SE groups that reference
 * it is marked "restart required" with the reason.
 */
export async function markHsmGroupChanged(db: Db, hsmGroupId: string, what: string): Promise<number> {
  const groups = await db
    .select({ id: serviceEngineGroups.id })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.hsmGroupId, hsmGroupId));
  if (groups.length === 0) return 0;
  const ids = groups.map((g) => g.id);
  const marked = await db
    .update(serviceEngines)
    .set({ restartRequiredReason: `The HSM group changed (${what}): restart to apply it.` })
    .where(inArray(serviceEngines.groupId, ids))
    .returning({ id: serviceEngines.id });
  for (const id of ids) await currentSupervisor()?.markRestartRequired(id);
  return marked.length;
}
