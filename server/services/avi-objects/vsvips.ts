import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { type VsVipView, ZUpdateVsVipInput, ZVsVipInput } from "@/lib/schemas/avi-objects";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import {
  type AviObjectRow,
  aviObjectsOf,
  deleteAviObject,
  insertAviObject,
  loadAviObject,
  updateAviObject,
} from "@/server/aggregates/avi-objects";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { listVirtualServices } from "../virtual-services/list";
import { updateVirtualService } from "../virtual-services/save";
import { vsInputOf } from "@/lib/virtual-service-input";

/**
 * Avi's VsVip: a named VIP address. A VS uses a VsVip when its VIP is that address (several VSs
 * may share one, on different ports); moving the VsVip moves those VSs, through the VS service.
 */
export async function listVsVips(db: Db, actor: Actor): Promise<VsVipView[]> {
  const services = await listVirtualServices(db, actor);
  return (await aviObjectsOf(db, actor.tenantId, "vsvip")).map((row) => toVsVip(row, services));
}

export async function createVsVip(
  db: Db,
  actor: Actor,
  raw: z.input<typeof ZVsVipInput>,
): Promise<VsVipView> {
  const input = ZVsVipInput.parse(raw);
  await assertAddressFree(db, actor, input.vip, null);
  const row = await insertAviObject(db, {
    tenantId: actor.tenantId,
    kind: "vsvip",
    name: input.name,
    servers: null,
    vip: input.vip,
  });
  return toVsVip(row, await listVirtualServices(db, actor));
}

export async function updateVsVip(
  db: Db,
  actor: Actor,
  raw: z.input<typeof ZUpdateVsVipInput>,
): Promise<VsVipView> {
  const input = ZUpdateVsVipInput.parse(raw);
  const row = await loadAviObject(db, actor.tenantId, "vsvip", input.id);
  if (input.vip !== row.vip) {
    await assertAddressFree(db, actor, input.vip, row.id);
    for (const vs of (await listVirtualServices(db, actor)).filter((v) => v.vip === row.vip)) {
      await updateVirtualService(db, actor, { ...vsInputOf(vs), vip: input.vip });
    }
  }
  await updateAviObject(db, row.id, { name: input.name, vip: input.vip });
  return toVsVip({ ...row, name: input.name, vip: input.vip }, await listVirtualServices(db, actor));
}

export async function removeVsVip(db: Db, actor: Actor, id: string): Promise<{ id: string; name: string }> {
  const row = await loadAviObject(db, actor.tenantId, "vsvip", id);
  const users = (await listVirtualServices(db, actor)).filter((v) => v.vip === row.vip);
  if (users.length) {
    throw new AppError(
      "CONFLICT",
      `VsVip "${row.name}" (${row.vip}) is used by virtual service "${users[0]!.name}". Delete the virtual service or move it first.`,
    );
  }
  await deleteAviObject(db, row.id);
  return { id: row.id, name: row.name };
}

/** One VsVip per address: which VsVip a VS uses is read from its VIP. */
async function assertAddressFree(db: Db, actor: Actor, vip: string, exceptId: string | null): Promise<void> {
  const taken = (await aviObjectsOf(db, actor.tenantId, "vsvip")).find(
    (r) => r.vip === vip && r.id !== exceptId,
  );
  if (taken) {
    throw new AppError("CONFLICT", `VsVip "${taken.name}" already has the address ${vip}; use it.`, {
      field: "vip",
    });
  }
}

function toVsVip(row: AviObjectRow, services: VirtualServiceView[]): VsVipView {
  return {
    id: row.id,
    name: row.name,
    vip: row.vip ?? "",
    virtualServices: services.filter((v) => v.vip === row.vip).map((v) => ({ id: v.id, name: v.name })),
  };
}
