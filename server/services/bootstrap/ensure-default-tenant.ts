import { eq } from "drizzle-orm";
import type { Db } from "@/server/db";
import { tenants } from "@/server/db/schema";

export const DEFAULT_TENANT = "admin";

/** The "admin" tenant exists on every installation, as in Avi. Safe to run on every node. */
export async function ensureDefaultTenant(db: Db): Promise<string> {
  await db.insert(tenants).values({ name: DEFAULT_TENANT }).onConflictDoNothing();
  const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.name, DEFAULT_TENANT));
  if (!row) throw new Error("The default tenant could not be created");
  return row.id;
}
