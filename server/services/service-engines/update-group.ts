import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { type UpdateSeGroupInput, ZUpdateSeGroupInput } from "@/lib/schemas/service-engines";
import { groupById } from "@/server/aggregates/hsm-groups";
import { deleteEngines, enginesOf, findSeGroup, updateSeGroupRow } from "@/server/aggregates/se-groups";
import { certificateHsmGroupsOfSeGroup } from "@/server/aggregates/virtual-services";
import type { Db, DbOrTx } from "@/server/db";
import { consoleNode } from "@/server/hsm/console-node";
import type { Actor } from "../actor";
import { ensureSeCount, seName } from "./bootstrap";
import { ensureSeClient } from "./network-hsm-access";
import { assertSesReachGroup } from "./node-bound";
import { markRestartRequired } from "./restart-required";
import { refreshServiceEngines } from "./supervisor-registry";

/**
 * Edits an SE group. A new HSM group reference cannot be applied to running nginx processes: the
 * SEs keep serving and are marked "restart required" with the reason until restarted.
 */
export async function updateSeGroup(
  db: Db,
  actor: Actor,
  raw: UpdateSeGroupInput,
): Promise<{ id: string; name: string; hsmGroupId: string | null; seCount: number }> {
  const input = ZUpdateSeGroupInput.parse(raw);
  const result = await db.transaction(async (tx) => {
    const group = await findSeGroup(tx, actor.tenantId, input.id);
    const hsmGroupId = input.hsmGroupId === undefined ? group.hsmGroupId : input.hsmGroupId;
    const hsm = hsmGroupId ? await groupById(tx, hsmGroupId) : null;
    if (hsmGroupId && (!hsm || hsm.tenantId !== actor.tenantId))
      throw new AppError("VALIDATION", "Choose an HSM group of your tenant.", { field: "hsmGroupId" });
    const hsmName = hsm?.name ?? "none";
    if (hsmGroupId !== group.hsmGroupId) await assertNoStrandedServices(tx, group.id, hsmGroupId);
    const seCount = input.seCount ?? group.seCount;
    await updateSeGroupRow(tx, group.id, { hsmGroupId, seCount });
    if (seCount < group.seCount) {
      const surplus = Array.from({ length: group.seCount - seCount }, (_, i) =>
        seName(group.name, seCount + i + 1),
      );
      await deleteEngines(tx, group.id, surplus);
    }
    // A node's own Local-SoftHSM serves only that node's SEs (new ones are made on this node).
    if (hsm)
      await assertSesReachGroup(
        tx,
        group,
        hsm,
        "hsmGroupId",
        seCount > group.seCount ? consoleNode().name : null,
      );
    if (hsmGroupId !== group.hsmGroupId) {
      const reason = `HSM group changed to "${hsmName}": restart to apply it.`;
      await markRestartRequired(tx, { seGroupId: group.id }, reason);
    }
    return { id: group.id, name: group.name, hsmGroupId, seCount, oldCount: group.seCount };
  });
  if (result.seCount > result.oldCount) await ensureSeCount(db, result.id, result.name, result.seCount);
  if (result.hsmGroupId) await ensureSeClients(db, result.id, result.hsmGroupId);
  if (result.seCount !== result.oldCount) await refreshServiceEngines(result.id);
  return { id: result.id, name: result.name, hsmGroupId: result.hsmGroupId, seCount: result.seCount };
}

/** The group's SSL virtual services would lose their keys: refuse, naming them. */
async function assertNoStrandedServices(
  db: DbOrTx,
  groupId: string,
  hsmGroupId: string | null,
): Promise<void> {
  const rows = await certificateHsmGroupsOfSeGroup(db, groupId);
  const stranded = rows.filter((r) => r.certHsm !== hsmGroupId).map((r) => r.name);
  if (stranded.length > 0)
    throw new AppError(
      "VALIDATION",
      `Virtual services ${stranded.join(", ")} use certificates whose keys are in the current HSM group. Move them to another SE group or change their certificates first.`,
      { field: "hsmGroupId" },
    );
}

/**
 * Each SE of a group that uses a network HSM is an HSM client of its own: its certificate is made
 * now, so that it is on the HSM group's download page to be registered before the SEs restart.
 */
async function ensureSeClients(db: Db, seGroupId: string, hsmGroupId: string): Promise<void> {
  const hsm = await groupById(db, hsmGroupId);
  if (!hsm || !isNetworkHsm(hsm.type)) return;
  for (const se of await enginesOf(db, seGroupId)) await ensureSeClient(db, hsmGroupId, se);
}
