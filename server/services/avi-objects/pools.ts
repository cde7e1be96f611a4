import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { type PoolView, ZAttachPoolInput, ZPoolInput, ZUpdatePoolInput } from "@/lib/schemas/avi-objects";
import {
  type AviObjectRow,
  aviObjectsOf,
  deleteAviObject,
  insertAviObject,
  loadAviObject,
  poolOfVirtualService,
  updateAviObject,
} from "@/server/aggregates/avi-objects";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { getVirtualService, listVirtualServices } from "../virtual-services/list";
import { updateVirtualService } from "../virtual-services/save";
import { vsInputOf } from "@/lib/virtual-service-input";

/**
 * Avi's pools. A pool no VS has taken keeps its servers here; once a VS takes it, the VS's own
 * pool is the truth (the service engines read it) and changes to the pool go through the VS
 * service, with its validation and deployment.
 */
export async function listPools(db: Db, actor: Actor): Promise<PoolView[]> {
  const services = new Map((await listVirtualServices(db, actor)).map((vs) => [vs.id, vs]));
  return (await aviObjectsOf(db, actor.tenantId, "pool")).map((row) => {
    const vs = row.virtualServiceId ? services.get(row.virtualServiceId) : undefined;
    return toPool(row, vs ? { id: vs.id, name: vs.name, pool: vs.pool } : null);
  });
}

export async function createPool(db: Db, actor: Actor, raw: z.input<typeof ZPoolInput>): Promise<PoolView> {
  const input = ZPoolInput.parse(raw);
  const row = await insertAviObject(db, {
    tenantId: actor.tenantId,
    kind: "pool",
    name: input.name,
    servers: input.servers,
    vip: null,
  });
  return toPool(row, null);
}

export async function updatePool(
  db: Db,
  actor: Actor,
  raw: z.input<typeof ZUpdatePoolInput>,
): Promise<PoolView> {
  const input = ZUpdatePoolInput.parse(raw);
  const row = await loadAviObject(db, actor.tenantId, "pool", input.id);
  if (row.virtualServiceId) {
    const vs = await getVirtualService(db, actor, row.virtualServiceId);
    if (!isDeepStrictEqual(vs.pool, input.servers)) {
      await updateVirtualService(db, actor, { ...vsInputOf(vs), pool: input.servers });
    }
  }
  await updateAviObject(db, row.id, { name: input.name, servers: input.servers });
  return poolView(db, actor, row.id);
}

/** The VS takes the pool: the VS's pool becomes the pool's servers (through the VS service). */
export async function attachPool(
  db: Db,
  actor: Actor,
  raw: z.input<typeof ZAttachPoolInput>,
): Promise<PoolView> {
  const input = ZAttachPoolInput.parse(raw);
  const row = await loadAviObject(db, actor.tenantId, "pool", input.id);
  const vs = await getVirtualService(db, actor, input.virtualServiceId);
  if (row.virtualServiceId && row.virtualServiceId !== vs.id) {
    const owner = await getVirtualService(db, actor, row.virtualServiceId);
    throw new AppError(
      "CONFLICT",
      `Pool "${row.name}" is the pool of virtual service "${owner.name}": the console keeps one pool per virtual service. Create another pool.`,
      { field: "pool_ref" },
    );
  }
  const servers = row.servers ?? [];
  if (!isDeepStrictEqual(vs.pool, servers))
    await updateVirtualService(db, actor, { ...vsInputOf(vs), pool: servers });
  const previous = await poolOfVirtualService(db, vs.id);
  if (previous && previous.id !== row.id) {
    await updateAviObject(db, previous.id, { virtualServiceId: null, servers: vs.pool });
  }
  await updateAviObject(db, row.id, { virtualServiceId: vs.id });
  return poolView(db, actor, row.id);
}

export async function removePool(db: Db, actor: Actor, id: string): Promise<{ id: string; name: string }> {
  const row = await loadAviObject(db, actor.tenantId, "pool", id);
  if (row.virtualServiceId) {
    const vs = await getVirtualService(db, actor, row.virtualServiceId);
    throw new AppError(
      "CONFLICT",
      `Pool "${row.name}" is used by virtual service "${vs.name}". Delete the virtual service or give it another pool first.`,
    );
  }
  await deleteAviObject(db, row.id);
  return { id: row.id, name: row.name };
}

async function poolView(db: Db, actor: Actor, id: string): Promise<PoolView> {
  const found = (await listPools(db, actor)).find((p) => p.id === id);
  if (!found) throw new AppError("NOT_FOUND", "There is no pool with this id in your tenant.");
  return found;
}

function toPool(
  row: AviObjectRow,
  vs: { id: string; name: string; pool: PoolView["servers"] } | null,
): PoolView {
  return {
    id: row.id,
    name: row.name,
    servers: vs ? vs.pool : (row.servers ?? []),
    virtualServiceId: vs?.id ?? null,
    virtualServiceName: vs?.name ?? null,
  };
}
