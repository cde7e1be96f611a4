import { AppError } from "@/lib/errors";
import type { PoolView } from "@/lib/schemas/avi-objects";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { arrayField, checkFields, COMMON_READ_ONLY, enumField, objectField, stringField } from "../fields";
import { vsInputOf } from "@/lib/virtual-service-input";
import { findIn, identity, wholeList } from "./lookup";
import type { AviCtx, AviKind, Item, Json } from "./types";

/** A pool as Avi sees it: a Pool object, or the pool inside a VS made in the console (a view). */
export type PoolItem = Item & PoolView & { viewOf: VirtualServiceView | null };

const SERVER_RULES = { writable: ["ip", "port", "enabled"], readOnly: [] };

export const poolKind: AviKind = {
  kind: "pool",
  summary: "Pools (servers); a VS takes one with pool_ref",
  rules: {
    writable: ["name", "servers", "default_server_port", "lb_algorithm"],
    readOnly: [...COMMON_READ_ONLY, "virtualservice_refs"],
  },
  fieldNames: [
    [/^servers\.(\d+)\.host$/, "servers.$1.ip.addr"],
    [/^pool(\.\d+)\.host$/, "servers$1.ip.addr"],
    [/^pool(\.\d+)\.port$/, "servers$1.port"],
    [/^pool$/, "servers"],
  ],
  nested: { "servers[]": SERVER_RULES, "servers[].ip": { writable: ["addr", "type"], readOnly: [] } },
  notes: [
    "servers: [{ip: {addr, type: V4}, port, enabled: true}]; a server without port takes default_server_port (80 when absent).",
    "A pool is made first, then a virtual service takes it (pool_ref): from then on the VS's pool is the truth and changes to the pool reach the VS (validated and deployed as in the console). A pool in use is not deleted.",
    'Virtual services made in the console show their pool as "<vs>-pool" (uuid pool-<vs uuid>); it goes with the VS.',
    "lb_algorithm: LB_ALGORITHM_ROUND_ROBIN only (what the service engines do); Avi's default, least connections, is not offered.",
    "Health monitors and the other Pool fields are refused by name.",
  ],
  list: async (ctx) => wholeList(await poolItems(ctx)),
  get: async (ctx, id) => findIn(await poolItems(ctx), id, "pool"),
  toAvi: (ctx, item) => {
    const p = item as PoolItem;
    return {
      ...identity(ctx, "pool", p),
      servers: p.servers.map((s) => ({ ip: { addr: s.host, type: "V4" }, port: s.port, enabled: true })),
      ...(p.virtualServiceId
        ? {
            virtualservice_refs: [
              `${ctx.style.base}/api/virtualservice/virtualservice-${p.virtualServiceId}`,
            ],
          }
        : {}),
    };
  },
  create: async (ctx, body) => {
    checkFields(body, poolKind.rules, null);
    roundRobinOnly(body);
    const created = (await ctx.call("pools.create", {
      name: stringField(body, "name") ?? "",
      servers: serversOf(body),
    })) as { id: string };
    return created.id;
  },
  update: async (ctx, item, body, current) => {
    checkFields(body, poolKind.rules, current);
    roundRobinOnly(body);
    const p = item as PoolItem;
    const name = stringField(body, "name") ?? "";
    if (!p.viewOf) {
      await ctx.call("pools.update", { id: p.id, name, servers: serversOf(body) });
      return;
    }
    if (name !== p.name)
      throw new AppError(
        "VALIDATION",
        `The pool of virtual service "${p.viewOf.name}" is named after it; its name cannot change.`,
        { field: "name" },
      );
    await ctx.call("virtualServices.update", { ...vsInputOf(p.viewOf), pool: serversOf(body) });
  },
  remove: async (ctx, id) => {
    const p = (await poolKind.get(ctx, id)) as PoolItem;
    if (p.viewOf)
      throw new AppError(
        "CONFLICT",
        `This pool is the pool of virtual service "${p.viewOf.name}" and goes with it.`,
      );
    await ctx.call("pools.remove", { id });
  },
};

/** Pool objects, then the pools of VSs that took none (id = the VS's id, named "<vs>-pool"). */
export async function poolItems(ctx: AviCtx): Promise<PoolItem[]> {
  const pools = (await ctx.call("pools.list")) as PoolView[];
  const services = (await ctx.call("virtualServices.list")) as VirtualServiceView[];
  const taken = new Set(pools.map((p) => p.virtualServiceId).filter(Boolean));
  return [
    ...pools.map((p) => ({ ...p, viewOf: null })),
    ...services
      .filter((vs) => !taken.has(vs.id))
      .map((vs) => ({
        id: vs.id,
        name: `${vs.name}-pool`,
        servers: vs.pool,
        virtualServiceId: vs.id,
        virtualServiceName: vs.name,
        viewOf: vs,
      })),
  ];
}

/** The service engines' nginx balances round robin: Avi's other algorithms are refused by name. */
function roundRobinOnly(body: Json): void {
  enumField(body, "lb_algorithm", ["LB_ALGORITHM_ROUND_ROBIN"]);
}

function serversOf(body: Json): { host: string; port: number }[] {
  const fallback = body.default_server_port;
  return (arrayField(body, "servers") ?? []).map((raw, i) => {
    const at = `servers.${i}.`;
    const s = (raw && typeof raw === "object" ? raw : {}) as Json;
    checkFields(s, SERVER_RULES, null, at);
    if (s.enabled === false)
      throw new AppError(
        "VALIDATION",
        `"${at}enabled": the console cannot disable one pool server; remove it from the pool instead.`,
        { field: `${at}enabled` },
      );
    const ip = objectField(s, "ip", at);
    if (!ip)
      throw new AppError("VALIDATION", `"${at}ip" is required: {"addr": "<IPv4>", "type": "V4"}.`, {
        field: `${at}ip`,
      });
    checkFields(ip, { writable: ["addr", "type"], readOnly: [] }, null, `${at}ip.`);
    enumField(ip, "type", ["V4"], `${at}ip.`);
    const port = s.port ?? fallback ?? 80;
    return { host: stringField(ip, "addr", `${at}ip.`) ?? "", port: port as number };
  });
}
