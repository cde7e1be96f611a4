import { eq } from "drizzle-orm";
import { decryptSecret, encryptSecret } from "@/server/crypto/secrets";
import type { DbOrTx } from "@/server/db";
import { clusterCanary } from "@/server/db/schema";

const CANARY = "hsm-console master key canary";
const PURPOSE = "cluster_canary.value";

export class MasterKeyMismatch extends Error {}

/**
 * The first node writes a value encrypted with its master key; every node checks at start that
 * its own key decrypts it, so a node with another key stops now instead of failing on the first
 * secret it reads (or, worse, writing secrets no other node can read).
 */
export async function checkMasterKeyCanary(
  db: DbOrTx,
  node: string,
  keySource: string,
): Promise<"created" | "ok"> {
  const inserted = await db
    .insert(clusterCanary)
    .values({ id: 1, valueEnc: encryptSecret(CANARY, PURPOSE), createdBy: node })
    .onConflictDoNothing()
    .returning({ id: clusterCanary.id });
  if (inserted.length > 0) return "created";
  const [row] = await db.select().from(clusterCanary).where(eq(clusterCanary.id, 1));
  let value: string | null = null;
  try {
    value = decryptSecret(row!.valueEnc, PURPOSE);
  } catch {
    // A wrong key fails authentication: said below.
  }
  if (value === CANARY) return "ok";
  throw new MasterKeyMismatch(
    `This console node's master key (${keySource}) cannot decrypt the data in this database: ` +
      `copy the master key of node "${row!.createdBy}" (its HSM_CONSOLE_MASTER_KEY, or the file master.key in its data folder) ` +
      `to ${keySource} on this node, then start it again.`,
  );
}
