import { desc, eq, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { clusterNodes } from "@/server/db/schema";
import type { NodeIdentity } from "./node-identity";

export type NodeRow = typeof clusterNodes.$inferSelect & { secondsSinceBeat: number };

/** A (re)started node: its row is replaced, its heartbeat is now (the database's clock). */
export async function registerNode(db: DbOrTx, node: NodeIdentity): Promise<void> {
  const values = {
    address: node.address,
    version: node.version,
    pid: node.pid,
    hsmClient: node.hsmClient,
    startedAt: sql`now()`,
    heartbeatAt: sql`now()`,
    stoppedAt: null,
  };
  await db
    .insert(clusterNodes)
    .values({ name: node.name, ...values })
    .onConflictDoUpdate({ target: clusterNodes.name, set: values });
}

export async function beat(db: DbOrTx, name: string): Promise<void> {
  await db.update(clusterNodes).set({ heartbeatAt: sql`now()` }).where(eq(clusterNodes.name, name));
}

export async function markStopped(db: DbOrTx, name: string): Promise<void> {
  await db.update(clusterNodes).set({ stoppedAt: sql`now()` }).where(eq(clusterNodes.name, name));
}

const age = sql<number>`extract(epoch from now() - ${clusterNodes.heartbeatAt})::float8`.as("age");

export async function listNodeRows(db: DbOrTx): Promise<NodeRow[]> {
  const rows = await db
    .select({ node: clusterNodes, age })
    .from(clusterNodes)
    .orderBy(desc(clusterNodes.startedAt));
  return rows.map((r) => ({ ...r.node, secondsSinceBeat: Number(r.age) }));
}

export async function nodeRow(db: DbOrTx, name: string): Promise<NodeRow | null> {
  const [row] = await db
    .select({ node: clusterNodes, age })
    .from(clusterNodes)
    .where(eq(clusterNodes.name, name));
  return row ? { ...row.node, secondsSinceBeat: Number(row.age) } : null;
}
