import type { ServiceEngineView } from "@/lib/schemas/service-engines";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { listSeGroups } from "./list-groups";

/** The tenant's service engines, each with the name of its group (for the CLI and REST). */
export async function listServiceEngines(
  db: Db,
  actor: Actor,
): Promise<(ServiceEngineView & { groupName: string })[]> {
  const groups = await listSeGroups(db, actor);
  return groups.flatMap((g) => g.serviceEngines.map((se) => ({ ...se, groupName: g.name })));
}
