import { currentBus, publishChange } from "@/server/cluster/bus";
import { seGroupsUsingCertificate } from "@/server/aggregates/virtual-services";
import type { ServiceEngineStatus } from "@/server/dataplane";
import type { Db } from "@/server/db";

/**
 * What services ask of the running supervisor (SeSupervisor implements it). Declared here so
 * that the registry does not import the supervisor, which imports half the feature.
 */
export interface SupervisorHandle {
  /** Re-applies a group's SEs after a change to its virtual services, certificates or size. */
  refresh(groupId: string): Promise<void>;
  /** Full restart of one SE of this node; null when it is not this node's (see restart.ts). */
  restart(seId: string): Promise<ServiceEngineStatus | null>;
  status(seId: string): ServiceEngineStatus | null;
}

/** One supervisor per process, kept on globalThis so that hot reload does not start a second set. */
const holder = globalThis as unknown as { __hsmSeSupervisor?: SupervisorHandle | null };

export function currentSupervisor(): SupervisorHandle | null {
  return holder.__hsmSeSupervisor ?? null;
}

export function setSupervisor(supervisor: SupervisorHandle | null): void {
  holder.__hsmSeSupervisor = supervisor;
}

/**
 * Called by services after a commit: this node re-applies its SEs of the group, and every other
 * console node hears of it (server/cluster/bus.ts) and re-applies its own. A console without SEs
 * (tests of other features) skips the local part.
 */
export async function refreshServiceEngines(groupId: string): Promise<void> {
  try {
    await currentSupervisor()?.refresh(groupId);
  } finally {
    await publishChange("se-group", groupId);
  }
}

/**
 * For the certificates feature: after a certificate changes (renewed, replaced, no longer active),
 * re-apply every SE group whose virtual services use it.
 */
export async function refreshForCertificate(db: Db, certificateId: string): Promise<void> {
  if (!currentSupervisor() && !currentBus()) return;
  for (const groupId of await seGroupsUsingCertificate(db, certificateId))
    await refreshServiceEngines(groupId);
}
