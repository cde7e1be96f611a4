import type { Change } from "@/server/cluster/bus";
import { forgetGroupLogins } from "@/server/hsm/hsm-access";
import { closeGroupConnections } from "@/server/pkcs11";
import { currentSupervisor } from "../service-engines/supervisor-registry";

/**
 * What a node does when another node changed something: re-apply its own SEs of an SE group
 * (virtual services, certificates, SE count), or drop its connections to a changed HSM group so
 * that the next use logs in with the new settings. Everything else is read from the database.
 */
export async function applyChange(change: Change): Promise<void> {
  switch (change.kind) {
    case "se-group":
      await currentSupervisor()?.refresh(change.subjectId);
      return;
    case "hsm-group":
      await closeGroupConnections(change.subjectId);
      forgetGroupLogins(change.subjectId);
      return;
  }
}
