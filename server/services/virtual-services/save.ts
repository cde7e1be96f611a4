import type { z } from "zod";
import { AppError } from "@/lib/errors";
import {
  type UpdateVirtualServiceInput,
  type VirtualServiceInput,
  type VirtualServiceView,
  ZUpdateVirtualServiceInput,
  ZVirtualServiceInput,
} from "@/lib/schemas/virtual-services";
import {
  deleteVirtualServiceRow,
  insertVirtualService,
  loadVirtualService,
  updateVirtualServiceSettings,
  type VirtualServiceSettings,
} from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { refreshServiceEngines } from "../service-engines/supervisor-registry";
import { getVirtualService } from "./list";
import { validateVirtualService } from "./validate";

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "23505" || e?.cause?.code === "23505";
}

/** The columns a save writes; the certificate only while a port has SSL on, the state from "enabled". */
function settingsOf(input: z.output<typeof ZVirtualServiceInput>): VirtualServiceSettings {
  return {
    name: input.name,
    vip: input.vip,
    ports: input.ports,
    certificateId: input.ports.some((p) => p.ssl) ? (input.certificateId ?? null) : null,
    pool: input.pool,
    healthCheck: input.healthCheckPath ? { path: input.healthCheckPath } : null,
    seGroupId: input.seGroupId,
    enabled: input.enabled,
    state: input.enabled ? "pending" : "disabled",
  };
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
      await validateVirtualService(tx, actor.tenantId, input, null);
      return insertVirtualService(tx, actor.tenantId, settingsOf(input));
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
      const current = await loadVirtualService(tx, actor.tenantId, input.id);
      await validateVirtualService(tx, actor.tenantId, input, current.id);
      await updateVirtualServiceSettings(tx, current.id, settingsOf(input));
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
  const row = await deleteVirtualServiceRow(db, actor.tenantId, id);
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
