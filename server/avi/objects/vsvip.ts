import { AppError } from "@/lib/errors";
import type { VsVipView } from "@/lib/schemas/avi-objects";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { vsInputOf } from "@/lib/virtual-service-input";
import { arrayField, checkFields, COMMON_READ_ONLY, enumField, objectField, stringField } from "../fields";
import { findIn, identity, wholeList } from "./lookup";
import type { AviCtx, AviKind, Item, Json } from "./types";

/** A VsVip as Avi sees it: a VsVip object, or the VIP of a VS made in the console (a view). */
export type VsVipItem = Item & { vip: string; viewOf: VirtualServiceView | null };

const VIP_RULES = { writable: ["vip_id", "ip_address", "enabled"], readOnly: [] };

export const vsVipKind: AviKind = {
  kind: "vsvip",
  summary: "VsVips (one IPv4 VIP each); VSs use one with vsvip_ref",
  rules: { writable: ["name", "vip"], readOnly: [...COMMON_READ_ONLY] },
  fieldNames: [[/^vip$/, "vip.0.ip_address.addr"]],
  nested: { "vip[]": VIP_RULES, "vip[].ip_address": { writable: ["addr", "type"], readOnly: [] } },
  notes: [
    "Exactly one vip entry with an IPv4 address (no automatic allocation, no IPv6, no floating IP).",
    "A virtual service uses the VsVip whose address is its VIP (several may share it on different ports); changing the address moves those virtual services.",
    'Virtual services made in the console show their VIP as "<vs>-vsvip" (uuid vsvip-<vs uuid>).',
  ],
  list: async (ctx) => wholeList(await vsVipItems(ctx)),
  get: async (ctx, id) => findIn(await vsVipItems(ctx), id, "vsvip"),
  toAvi: (ctx, item) => {
    const v = item as VsVipItem;
    return {
      ...identity(ctx, "vsvip", v),
      vip: [{ vip_id: "0", ip_address: { addr: v.vip, type: "V4" }, enabled: true }],
    };
  },
  create: async (ctx, body) => {
    checkFields(body, vsVipKind.rules, null);
    const created = (await ctx.call("vsVips.create", {
      name: stringField(body, "name") ?? "",
      vip: addressOf(body),
    })) as { id: string };
    return created.id;
  },
  update: async (ctx, item, body, current) => {
    checkFields(body, vsVipKind.rules, current);
    const v = item as VsVipItem;
    const name = stringField(body, "name") ?? "";
    if (!v.viewOf) {
      await ctx.call("vsVips.update", { id: v.id, name, vip: addressOf(body) });
      return;
    }
    if (name !== v.name)
      throw new AppError(
        "VALIDATION",
        `The VIP of virtual service "${v.viewOf.name}" is named after it; its name cannot change.`,
        { field: "name" },
      );
    await ctx.call("virtualServices.update", { ...vsInputOf(v.viewOf), vip: addressOf(body) });
  },
  remove: async (ctx, id) => {
    const v = (await vsVipKind.get(ctx, id)) as VsVipItem;
    if (v.viewOf)
      throw new AppError(
        "CONFLICT",
        `This is the VIP of virtual service "${v.viewOf.name}" and goes with it.`,
      );
    await ctx.call("vsVips.remove", { id });
  },
};

/** VsVip objects, then the VIPs of VSs no VsVip covers (id = the VS's id, named "<vs>-vsvip"). */
export async function vsVipItems(ctx: AviCtx): Promise<VsVipItem[]> {
  const vsvips = (await ctx.call("vsVips.list")) as VsVipView[];
  const services = (await ctx.call("virtualServices.list")) as VirtualServiceView[];
  const covered = new Set(vsvips.map((v) => v.vip));
  return [
    ...vsvips.map((v) => ({ id: v.id, name: v.name, vip: v.vip, viewOf: null })),
    ...services
      .filter((vs) => !covered.has(vs.vip))
      .map((vs) => ({ id: vs.id, name: `${vs.name}-vsvip`, vip: vs.vip, viewOf: vs })),
  ];
}

/** The console's VS has one IPv4 VIP: exactly one `vip` entry with a V4 address. */
function addressOf(body: Json): string {
  const vips = arrayField(body, "vip") ?? [];
  if (vips.length !== 1) {
    throw new AppError(
      "VALIDATION",
      `"vip" must hold exactly one entry: the console serves a virtual service on one IPv4 address (got ${vips.length}).`,
      { field: "vip" },
    );
  }
  const v = (vips[0] && typeof vips[0] === "object" ? vips[0] : {}) as Json;
  checkFields(v, VIP_RULES, null, "vip.0.");
  if (v.enabled === false)
    throw new AppError(
      "VALIDATION",
      '"vip.0.enabled": a VIP cannot be disabled here; disable the virtual service.',
      { field: "vip.0.enabled" },
    );
  const ip = objectField(v, "ip_address", "vip.0.");
  if (!ip)
    throw new AppError(
      "VALIDATION",
      '"vip.0.ip_address" is required: {"addr": "<IPv4>", "type": "V4"} (automatic allocation is not offered).',
      { field: "vip.0.ip_address" },
    );
  checkFields(ip, { writable: ["addr", "type"], readOnly: [] }, null, "vip.0.ip_address.");
  enumField(ip, "type", ["V4"], "vip.0.ip_address.");
  return stringField(ip, "addr", "vip.0.ip_address.") ?? "";
}
