import { groupChoices } from "@/server/aggregates/hsm-groups";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";

/** The tenant's HSM groups, for the "HSM group" choice of the certificate forms. */
export function hsmGroupChoices(db: Db, actor: Actor) {
  return groupChoices(db, actor.tenantId);
}
