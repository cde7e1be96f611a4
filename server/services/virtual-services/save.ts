import { and, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import {
  type UpdateVirtualServiceInput,
  type VirtualServiceInput,
  type VirtualServiceView,
  ZUpdateVirtualServiceInput,
  ZVirtualServiceInput,
} from "@/lib/schemas/virtual-services";
import type { Db } from "@/server/db";
import { virtualServices } from "@/server/db/schema";
import type { Actor } from "../actor";
import { refreshServiceEngines } from "../service-engines/supervisor-registry";
import { getVirtualService } from "./list";
import { validateVirtualService } from "./validate";

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

/** Saves a virtual service (validated first: nothing invalid is written or deployed), then deploys it. */
export async function createVirtualService(
  db: Db,
  actor: Actor,
  raw: VirtualServiceInput,
): Promise<VirtualServiceView> {
  const input = ZVirtualServiceInput.parse(raw);
  const id = await db
    .transaction(async (tx) => {
      await validateVirtualService(tx as unknown as Db, actor.tenantId, input, null);
      const [row] = await tx
        .insert(virtualServices)
        .values({
          tenantId: actor.tenantId,
          name: input.name,
          vip: input.vip,
          ports: input.ports,
          certificateId: input.ports.some((p) => p.ssl) ? (input.certificateId ?? null) : null,
          pool: input.pool,
          healthCheck: input.healthCheckPath ? { path: input.healthCheckPath } : null,
          seGroupId: input.seGroupId,
          enabled: input.enabled,
          state: input.enabled ? "pending" : "disabled",
        })
        .returning({ id: virtualServices.id });
      return row!.id;
    })
    .catch(nameTaken(input.name));
  await refreshServiceEngines(input.seGroupId);
  return getVirtualService(db, actor, id);
}

export async function updateVirtualService(
  db: Db,
  actor: Actor,
  raw: UpdateVirtualServiceInput,
): Promise<VirtualServiceView> {
  const input = ZUpdateVirtualServiceInput.parse(raw);
  const before = await db
    .transaction(async (tx) => {
      const [current] = await tx
        .select()
        .from(virtualServices)
        .where(and(eq(virtualServices.id, input.id), eq(virtualServices.tenantId, actor.tenantId)));
      if (!current) throw new AppError("NOT_FOUND", "This virtual service does not exist in your tenant.");
      await validateVirtualService(tx as unknown as Db, actor.tenantId, input, current.id);
      await tx
        .update(virtualServices)
        .set({
          name: input.name,
          vip: input.vip,
          ports: input.ports,
          certificateId: input.ports.some((p) => p.ssl) ? (input.certificateId ?? null) : null,
          pool: input.pool,
          healthCheck: input.healthCheckPath ? { path: input.healthCheckPath } : null,
          seGroupId: input.seGroupId,
          enabled: input.enabled,
          state: input.enabled ? "pending" : "disabled",
          stateReason: null,
          updatedAt: new Date(),
        })
        .where(eq(virtualServices.id, current.id));
      return current;
    })
    .catch(nameTaken(input.name));
  // Moved to another SE group: the old group's SEs drop it.
  if (before.seGroupId !== input.seGroupId) await refreshServiceEngines(before.seGroupId);
  await refreshServiceEngines(input.seGroupId);
  return getVirtualService(db, actor, input.id);
}

export async function deleteVirtualService(
  db: Db,
  actor: Actor,
  id: string,
): Promise<{ id: string; name: string }> {
  const [row] = await db
    .delete(virtualServices)
    .where(and(eq(virtualServices.id, id), eq(virtualServices.tenantId, actor.tenantId)))
    .returning();
  if (!row) throw new AppError("NOT_FOUND", "This virtual service does not exist in your tenant.");
  await refreshServiceEngines(row.seGroupId);
  return { id: row.id, name: row.name };
}

function nameTaken(name: string) {
  return (error: unknown): never => {
    if (isUniqueViolation(error))
      throw new AppError("CONFLICT", `A virtual service named "${name}" already exists.`, { field: "name" });
    throw error;
  };
}
