import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { isNetworkHsm } from "@/lib/hsm-types";
import { type UpdateSeGroupInput, ZUpdateSeGroupInput } from "@/lib/schemas/service-engines";
import type { Db } from "@/server/db";
import {
  hsmGroups,
  serviceEngineGroups,
  serviceEngines,
  sslCertificates,
  virtualServices,
} from "@/server/db/schema";
import type { Actor } from "../actor";
import { ensureSeCount, seName } from "./bootstrap";
import { ensureSeClient } from "./network-hsm-access";
import { currentSupervisor, refreshServiceEngines } from "./supervisor";

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
    const [group] = await tx
      .select()
      .from(serviceEngineGroups)
      .where(and(eq(serviceEngineGroups.id, input.id), eq(serviceEngineGroups.tenantId, actor.tenantId)));
    if (!group) throw new AppError("NOT_FOUND", "This service engine group does not exist in your tenant.");
    const hsmGroupId = input.hsmGroupId === undefined ? group.hsmGroupId : input.hsmGroupId;
    let hsmName = "none";
    if (hsmGroupId) {
      const [hsm] = await tx
        .select()
        .from(hsmGroups)
        .where(and(eq(hsmGroups.id, hsmGroupId), eq(hsmGroups.tenantId, actor.tenantId)));
      if (!hsm)
        throw new AppError("VALIDATION", "Choose an HSM group of your tenant.", { field: "hsmGroupId" });
      hsmName = hsm.name;
    }
    if (hsmGroupId !== group.hsmGroupId)
      await assertNoStrandedServices(tx as unknown as Db, group.id, hsmGroupId);
    const seCount = input.seCount ?? group.seCount;
    await tx
      .update(serviceEngineGroups)
      .set({ hsmGroupId, seCount, updatedAt: new Date() })
      .where(eq(serviceEngineGroups.id, group.id));
    if (seCount < group.seCount) {
      const surplus = Array.from({ length: group.seCount - seCount }, (_, i) =>
        seName(group.name, seCount + i + 1),
      );
      await tx
        .delete(serviceEngines)
        .where(and(eq(serviceEngines.groupId, group.id), inArray(serviceEngines.name, surplus)));
    }
    if (hsmGroupId !== group.hsmGroupId) {
      await tx
        .update(serviceEngines)
        .set({ restartRequiredReason: `HSM group changed to "${hsmName}": restart to apply it.` })
        .where(eq(serviceEngines.groupId, group.id));
    }
    return { id: group.id, name: group.name, hsmGroupId, seCount, oldCount: group.seCount };
  });
  if (result.seCount > result.oldCount) await ensureSeCount(db, result.id, result.name, result.seCount);
  if (result.hsmGroupId) await ensureSeClients(db, result.id, result.hsmGroupId);
  await currentSupervisor()?.markRestartRequired(result.id);
  if (result.seCount !== result.oldCount) await refreshServiceEngines(result.id);
  return { id: result.id, name: result.name, hsmGroupId: result.hsmGroupId, seCount: result.seCount };
}

/** The group's SSL virtual services would lose their keys: refuse, naming them. */
async function assertNoStrandedServices(db: Db, groupId: string, hsmGroupId: string | null): Promise<void> {
  const rows = await db
    .select({ name: virtualServices.name, certHsm: sslCertificates.hsmGroupId })
    .from(virtualServices)
    .innerJoin(sslCertificates, eq(sslCertificates.id, virtualServices.certificateId))
    .where(eq(virtualServices.seGroupId, groupId));
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
  const [hsm] = await db.select().from(hsmGroups).where(eq(hsmGroups.id, hsmGroupId));
  if (!hsm || !isNetworkHsm(hsm.type)) return;
  const ses = await db.select().from(serviceEngines).where(eq(serviceEngines.groupId, seGroupId));
  for (const se of ses) await ensureSeClient(db, hsmGroupId, se);
}
