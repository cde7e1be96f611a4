import { asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { hsmGroups } from "@/server/db/schema";
import type { Actor } from "../actor";

/** The tenant's HSM groups, for the "HSM group" choice of the certificate forms. */
export function hsmGroupChoices(db: Db, actor: Actor) {
  return db
    .select({ id: hsmGroups.id, name: hsmGroups.name })
    .from(hsmGroups)
    .where(eq(hsmGroups.tenantId, actor.tenantId))
    .orderBy(asc(hsmGroups.name));
}
