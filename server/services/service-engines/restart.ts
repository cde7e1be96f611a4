import { AppError } from "@/lib/errors";
import { engineOfTenant, enginesOf, findSeGroup } from "@/server/aggregates/se-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { currentSupervisor } from "./supervisor-registry";

async function engineOf(db: Db, actor: Actor, id: string) {
  const se = await engineOfTenant(db, actor.tenantId, id);
  if (!se) throw new AppError("NOT_FOUND", "This service engine does not exist in your tenant.");
  return se;
}

/** Restarts one SE; resolves when it runs again (or failed, with the reason in its state). */
export async function restartServiceEngine(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string; state: string; stateReason: string | null }> {
  const se = await engineOf(db, actor, id);
  const supervisor = currentSupervisor();
  if (!supervisor)
    throw new AppError("CONFLICT", "Service engines are not supervised by this console process.");
  await supervisor.restart(se.id);
  const after = await engineOf(db, actor, id);
  return { id: after.id, name: after.name, state: after.state, stateReason: after.stateReason };
}

/**
 * Restarts the group's SEs one at a time, each waited for until it runs again, so the others keep
 * serving meanwhile. Stops at the first SE that does not come back, leaving the rest untouched.
 */
export async function restartSeGroup(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string; restarted: string[]; failed: string | null }> {
  const group = await findSeGroup(db, actor.tenantId, id);
  const ses = await enginesOf(db, group.id);
  const restarted: string[] = [];
  for (const se of ses) {
    const after = await restartServiceEngine(db, actor, se.id);
    if (after.state !== "running") return { id: group.id, name: group.name, restarted, failed: se.name };
    restarted.push(se.name);
  }
  return { id: group.id, name: group.name, restarted, failed: null };
}
