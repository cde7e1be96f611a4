import type { HsmType } from "@/lib/hsm-types";
import { seGroupIdsUsing, setRestartRequired } from "@/server/aggregates/se-groups";
import type { DbOrTx } from "@/server/db";

/** Whose SEs: one SE group's, those of the SE groups using an HSM group, or using HSM groups of these types. */
export type RestartScope = { seGroupId: string } | { hsmGroupId: string } | { hsmTypes: readonly HsmType[] };

/**
 * The document: a change to an SE's HSM access (its HSM group, that group's servers or client
 * certificates, an HSM package) takes effect only after the SE restarts. Records the reason on
 * every SE in scope (a running one shows "restart required" at once); a restart clears it.
 * Runs inside the caller's transaction. Returns the number of SEs marked.
 */
export async function markRestartRequired(db: DbOrTx, scope: RestartScope, reason: string): Promise<number> {
  const seGroupIds = "seGroupId" in scope ? [scope.seGroupId] : await seGroupIdsUsing(db, scope);
  return (await setRestartRequired(db, seGroupIds, reason)).length;
}
