/** The Avi Pool / VsVip aggregate (server/db/schema/avi-objects.ts): queries only. */
import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DbOrTx } from "@/server/db";
import { type AVI_OBJECT_KINDS, aviObjects } from "@/server/db/schema";

export type AviObjectKind = (typeof AVI_OBJECT_KINDS)[number];
export type AviObjectRow = typeof aviObjects.$inferSelect;

export function aviObjectsOf(db: DbOrTx, tenantId: string, kind: AviObjectKind): Promise<AviObjectRow[]> {
  return db
    .select()
    .from(aviObjects)
    .where(and(eq(aviObjects.tenantId, tenantId), eq(aviObjects.kind, kind)))
    .orderBy(asc(aviObjects.name));
}

/** One object of the tenant and kind, or NOT_FOUND. */
export async function loadAviObject(
  db: DbOrTx,
  tenantId: string,
  kind: AviObjectKind,
  id: string,
): Promise<AviObjectRow> {
  const [row] = await db
    .select()
    .from(aviObjects)
    .where(and(eq(aviObjects.id, id), eq(aviObjects.tenantId, tenantId), eq(aviObjects.kind, kind)));
  if (!row) throw new AppError("NOT_FOUND", `There is no ${kind} with this id in your tenant.`);
  return row;
}

export async function insertAviObject(
  db: DbOrTx,
  values: Pick<AviObjectRow, "tenantId" | "kind" | "name" | "servers" | "vip">,
): Promise<AviObjectRow> {
  const [row] = await db.insert(aviObjects).values(values).onConflictDoNothing().returning();
  if (!row) throw nameTaken(values.kind, values.name);
  return row;
}

export async function updateAviObject(
  db: DbOrTx,
  id: string,
  values: Partial<Pick<AviObjectRow, "name" | "servers" | "vip" | "virtualServiceId">>,
): Promise<void> {
  try {
    await db
      .update(aviObjects)
      .set({ ...values, updatedAt: new Date() })
      .where(eq(aviObjects.id, id));
  } catch (error) {
    const e = error as { code?: string; cause?: { code?: string } };
    if ((e.code ?? e.cause?.code) === "23505" && values.name) throw nameTaken("object", values.name);
    throw error;
  }
}

export async function deleteAviObject(db: DbOrTx, id: string): Promise<void> {
  await db.delete(aviObjects).where(eq(aviObjects.id, id));
}

/** The pool a VS took, if any. */
export async function poolOfVirtualService(
  db: DbOrTx,
  virtualServiceId: string,
): Promise<AviObjectRow | null> {
  const [row] = await db.select().from(aviObjects).where(eq(aviObjects.virtualServiceId, virtualServiceId));
  return row ?? null;
}

function nameTaken(kind: string, name: string): AppError {
  return new AppError("CONFLICT", `A ${kind} named "${name}" already exists.`, { field: "name" });
}
