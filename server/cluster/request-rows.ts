import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { clusterRequests } from "@/server/db/schema";

export type RequestRow = typeof clusterRequests.$inferSelect;

export async function insertRequest(
  db: DbOrTx,
  values: { kind: string; targetNode: string; subjectId: string; requestedBy: string },
): Promise<string> {
  const [row] = await db.insert(clusterRequests).values(values).returning({ id: clusterRequests.id });
  return row!.id;
}

export async function requestById(db: DbOrTx, id: string): Promise<RequestRow | null> {
  const [row] = await db.select().from(clusterRequests).where(eq(clusterRequests.id, id));
  return row ?? null;
}

/** Takes this node's waiting requests (each once, even if two passes race). */
export async function claimRequests(db: DbOrTx, node: string, maxAgeSeconds: number): Promise<RequestRow[]> {
  return db
    .update(clusterRequests)
    .set({ claimedAt: sql`now()` })
    .where(
      and(
        eq(clusterRequests.targetNode, node),
        isNull(clusterRequests.claimedAt),
        isNull(clusterRequests.answeredAt),
        gt(clusterRequests.createdAt, sql`now() - make_interval(secs => ${maxAgeSeconds})`),
      ),
    )
    .returning();
}

/** The answer, unless one is there already (the asker gave up and closed the request). */
export async function answerRequest(
  db: DbOrTx,
  id: string,
  ok: boolean,
  answer: Record<string, unknown>,
): Promise<boolean> {
  const rows = await db
    .update(clusterRequests)
    .set({ answeredAt: sql`now()`, ok, answer })
    .where(and(eq(clusterRequests.id, id), isNull(clusterRequests.answeredAt)))
    .returning({ id: clusterRequests.id });
  return rows.length > 0;
}

export async function pruneRequests(db: DbOrTx, olderThanHours: number): Promise<void> {
  await db
    .delete(clusterRequests)
    .where(lt(clusterRequests.createdAt, sql`now() - make_interval(hours => ${olderThanHours})`));
}
