import { eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { virtualServices } from "@/server/db/schema";
import type { SeSupervisor } from "./supervisor";

/** One supervisor per process, kept on globalThis so that hot reload does not start a second set. */
const holder = globalThis as unknown as { __hsmSeSupervisor?: SeSupervisor | null };

export function currentSupervisor(): SeSupervisor | null {
  return holder.__hsmSeSupervisor ?? null;
}

export function setSupervisor(supervisor: SeSupervisor | null): void {
  holder.__hsmSeSupervisor = supervisor;
}

/** Called by services after a commit; a console without SEs (tests of other features) skips it. */
export async function refreshServiceEngines(groupId: string): Promise<void> {
  await currentSupervisor()?.refresh(groupId);
}

/**
 * For the certificates feature: after a certificate changes (renewed, replaced, no longer active),
 * re-apply every SE group whose virtual services use it.
 */
export async function refreshForCertificate(db: Db, certificateId: string): Promise<void> {
  if (!currentSupervisor()) return;
  const rows = await db
    .selectDistinct({ groupId: virtualServices.seGroupId })
    .from(virtualServices)
    .where(eq(virtualServices.certificateId, certificateId));
  for (const { groupId } of rows) await refreshServiceEngines(groupId);
}
