import { asc, gt, lt, max, or, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { clusterChanges } from "@/server/db/schema";
import type { Change, ChangeKind } from "./bus";

export const CHANNEL = "hsm_console_cluster";

/** Writes the change and notifies in one statement: listeners hear of it when it commits. */
export async function insertChange(
  db: DbOrTx,
  kind: ChangeKind,
  subjectId: string,
  originNode: string,
): Promise<void> {
  await db.execute(sql`
    with c as (
      insert into ${clusterChanges} (kind, subject_id, origin_node) values (${kind}, ${subjectId}, ${originNode})
      returning id
    )
    select pg_notify(${CHANNEL}, 'c:' || c.id) from c`);
}

export async function lastChangeId(db: DbOrTx): Promise<number> {
  const [row] = await db.select({ id: max(clusterChanges.id) }).from(clusterChanges);
  return Number(row?.id ?? 0);
}

/**
 * Changes after `afterId`, and those of the last `recentSeconds`: ids are taken before commit,
 * so a change may become visible after a later id was already read (it is found by its age).
 */
export async function changesSince(db: DbOrTx, afterId: number, recentSeconds: number): Promise<Change[]> {
  const rows = await db
    .select()
    .from(clusterChanges)
    .where(
      or(
        gt(clusterChanges.id, afterId),
        gt(clusterChanges.createdAt, sql`now() - make_interval(secs => ${recentSeconds})`),
      ),
    )
    .orderBy(asc(clusterChanges.id));
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as ChangeKind,
    subjectId: r.subjectId,
    originNode: r.originNode,
  }));
}

/** Maintenance: every node caught up long ago (a node away longer starts from scratch anyway). */
export async function pruneChanges(db: DbOrTx, olderThanHours: number): Promise<void> {
  await db
    .delete(clusterChanges)
    .where(lt(clusterChanges.createdAt, sql`now() - make_interval(hours => ${olderThanHours})`));
}
