import { AppError } from "@/lib/errors";
import { engineOfTenant, enginesOf, findSeGroup } from "@/server/aggregates/se-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { askNode } from "@/server/cluster/requests";
import { consoleNode } from "@/server/hsm/console-node";
import { currentSupervisor } from "./supervisor-registry";

/** The cluster request kind: "restart this SE you host". */
export const SE_RESTART = "se-restart";

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
  const here = consoleNode().name;
  if (se.nodeName === here) await restartHere(se);
  // Carried out by the node that hosts the SE, with that node's answer (or a clear error).
  else
    await askNode(db, {
      kind: SE_RESTART,
      target: se.nodeName,
      subjectId: se.id,
      what: `restart service engine ${se.name}`,
      from: here,
    });
  const after = await engineOf(db, actor, id);
  return { id: after.id, name: after.name, state: after.state, stateReason: after.stateReason };
}

/** Restarts an SE hosted by this node; the answer to another node's request too (SE_RESTART). */
export async function restartHere(se: { id: string; name: string }): Promise<Record<string, unknown>> {
  const supervisor = currentSupervisor();
  if (!supervisor)
    throw new AppError("CONFLICT", "Service engines are not supervised by this console process.");
  const status = await supervisor.restart(se.id);
  if (!status)
    throw new AppError(
      "CONFLICT",
      `Service engine ${se.name} is not hosted by console node "${consoleNode().name}" (any more): nothing was restarted. Reload the page to see where it runs.`,
    );
  return { state: status.state, reason: status.reason ?? null };
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
