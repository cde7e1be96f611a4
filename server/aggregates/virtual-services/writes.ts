import { and, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { virtualServices } from "@/server/db/schema";
import { notFound, type VirtualServiceRow } from "./views";

/** What a save writes: the settings, not the state the service engines report. */
export type VirtualServiceSettings = Pick<
  typeof virtualServices.$inferInsert,
  "name" | "vip" | "ports" | "certificateId" | "pool" | "healthCheck" | "seGroupId" | "enabled" | "state"
>;

export async function insertVirtualService(
  db: DbOrTx,
  tenantId: string,
  settings: VirtualServiceSettings,
): Promise<string> {
  const [row] = await db
    .insert(virtualServices)
    .values({ tenantId, ...settings })
    .returning({ id: virtualServices.id });
  return row!.id;
}

/** New settings; the state reason of the previous deployment is cleared. */
export async function updateVirtualServiceSettings(
  db: DbOrTx,
  id: string,
  settings: VirtualServiceSettings,
): Promise<void> {
  await db
    .update(virtualServices)
    .set({ ...settings, stateReason: null, updatedAt: new Date() })
    .where(eq(virtualServices.id, id));
}

/** Deletes the tenant's virtual service and returns it, or NOT_FOUND. */
export async function deleteVirtualServiceRow(
  db: DbOrTx,
  tenantId: string,
  id: string,
): Promise<VirtualServiceRow> {
  const [row] = await db
    .delete(virtualServices)
    .where(and(eq(virtualServices.id, id), eq(virtualServices.tenantId, tenantId)))
    .returning();
  if (!row) throw notFound();
  return row;
}
