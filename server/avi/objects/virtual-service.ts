import { AppError } from "@/lib/errors";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { arrayField, checkFields, COMMON_READ_ONLY, enumField, stringField } from "../fields";
import { objectRef, parseRef } from "../ids";
import { identity, wholeList } from "./lookup";
import { type PoolItem, poolItems } from "./pool";
import type { AviCtx, AviKind, Item, Json } from "./types";
import { vsVipItems } from "./vsvip";

/** A VS with the Pool and VsVip it uses (an object, or the view onto its own pool / VIP). */
type VsItem = Item &
  VirtualServiceView & { poolId: string; poolName: string; vsvipId: string; vsvipName: string };

const SERVICE_RULES = { writable: ["port", "enable_ssl"], readOnly: [] };
const DEFAULT_SE_GROUP = "Default-Group";

export const virtualServiceKind: AviKind = {
  kind: "virtualservice",
  summary: "Virtual services (services, vsvip_ref, pool_ref, ssl_key_and_certificate_refs, se_group_ref)",
  rules: {
    writable: [
      "type",
      "name",
      "enabled",
      "services",
      "vsvip_ref",
      "pool_ref",
      "ssl_key_and_certificate_refs",
      "se_group_ref",
    ],
    readOnly: [...COMMON_READ_ONLY],
  },
  fieldNames: [
    [/^vip$/, "vsvip_ref"],
    [/^ports\.(\d+)\.port$/, "services.$1.port"],
    [/^ports(\.\d+)?$/, "services"],
    [/^pool(\.\d+.*)?$/, "pool_ref"],
    [/^certificateId$/, "ssl_key_and_certificate_refs"],
    [/^seGroupId$/, "se_group_ref"],
  ],
  notes: [
    "vsvip_ref and pool_ref are required; se_group_ref defaults to Default-Group.",
    "type: VS_TYPE_NORMAL only (no virtual hosting parents or children).",
    "services: [{port, enable_ssl}] only (no port ranges, no per-port profiles).",
    "One certificate per virtual service: two ssl_key_and_certificate_refs (Avi's RSA + EC pair) are refused.",
    "A pool belongs to one virtual service; another VS's pool is refused. The console's health check path is kept on PUT.",
    "Runtime state is not part of the object: GET /api/virtualservice/<uuid> without X-Avi-Version gives the console's state, POST …/<uuid>/test makes a real request.",
  ],
  list: async (ctx) => wholeList(await vsItems(ctx)),
  get: async (ctx, id) => {
    const found = (await vsItems(ctx)).find((vs) => vs.id === id);
    if (!found)
      throw new AppError(
        "NOT_FOUND",
        `There is no virtualservice with uuid virtualservice-${id} in your tenant.`,
      );
    return found;
  },
  toAvi: (ctx, item) => {
    const vs = item as VsItem;
    return {
      ...identity(ctx, "virtualservice", vs),
      enabled: vs.enabled,
      services: vs.ports.map((p) => ({ port: p.port, enable_ssl: p.ssl })),
      vsvip_ref: objectRef(ctx.style, "vsvip", vs.vsvipId, vs.vsvipName),
      pool_ref: objectRef(ctx.style, "pool", vs.poolId, vs.poolName),
      ssl_key_and_certificate_refs: vs.certificateId
        ? [objectRef(ctx.style, "sslkeyandcertificate", vs.certificateId, vs.certificateName ?? "")]
        : [],
      se_group_ref: objectRef(ctx.style, "serviceenginegroup", vs.seGroupId, vs.seGroupName),
    };
  },
  create: async (ctx, body) => {
    checkFields(body, virtualServiceKind.rules, null);
    const { input, pool } = await consoleInput(ctx, body, null);
    const created = (await ctx.call("virtualServices.create", input)) as { id: string };
    if (!pool.viewOf) await ctx.call("pools.attach", { id: pool.id, virtualServiceId: created.id });
    return created.id;
  },
  update: async (ctx, item, body, current) => {
    checkFields(body, virtualServiceKind.rules, current);
    const { input, pool } = await consoleInput(ctx, body, item as VsItem);
    await ctx.call("virtualServices.update", { id: item.id, ...input });
    if (!pool.viewOf && pool.virtualServiceId !== item.id) {
      await ctx.call("pools.attach", { id: pool.id, virtualServiceId: item.id });
    }
  },
  remove: async (ctx, id) => {
    await ctx.call("virtualServices.remove", { id });
  },
};

async function vsItems(ctx: AviCtx): Promise<VsItem[]> {
  const services = (await ctx.call("virtualServices.list")) as VirtualServiceView[];
  const pools = await poolItems(ctx);
  const vsvips = await vsVipItems(ctx);
  return services.map((vs) => {
    const pool = pools.find((p) => p.virtualServiceId === vs.id)!;
    const vsvip = vsvips.find((v) => (v.viewOf ? v.viewOf.id === vs.id : v.vip === vs.vip))!;
    return { ...vs, poolId: pool.id, poolName: pool.name, vsvipId: vsvip.id, vsvipName: vsvip.name };
  });
}

/** The console's VS input from an Avi body; refs resolved, what the console cannot honour refused. */
async function consoleInput(ctx: AviCtx, body: Json, existing: VsItem | null) {
  enumField(body, "type", ["VS_TYPE_NORMAL"]);
  const vsvipRef = body.vsvip_ref;
  if (!vsvipRef)
    throw new AppError(
      "VALIDATION",
      '"vsvip_ref" is required: the console serves a virtual service on the VIP of a VsVip.',
      { field: "vsvip_ref" },
    );
  const vsvipId = await ctx.resolve("vsvip", parseRef("vsvip", vsvipRef, "vsvip_ref"), "vsvip_ref");
  const vsvip = (await vsVipItems(ctx)).find((v) => v.id === vsvipId);
  if (!vsvip)
    throw new AppError("VALIDATION", "vsvip_ref: there is no such vsvip in your tenant.", {
      field: "vsvip_ref",
    });
  const pool = await poolFor(ctx, body.pool_ref, existing);
  return {
    pool,
    input: {
      name: stringField(body, "name") ?? "",
      vip: vsvip.vip,
      ports: servicesOf(body),
      certificateId: await certificateOf(ctx, body),
      pool: pool.servers,
      seGroupId: await ctx.resolve(
        "serviceenginegroup",
        body.se_group_ref
          ? parseRef("serviceenginegroup", body.se_group_ref, "se_group_ref")
          : { name: DEFAULT_SE_GROUP },
        "se_group_ref",
      ),
      enabled: body.enabled !== false,
      ...(existing?.healthCheckPath ? { healthCheckPath: existing.healthCheckPath } : {}),
    },
  };
}

async function poolFor(ctx: AviCtx, ref: unknown, existing: VsItem | null): Promise<PoolItem> {
  if (!ref)
    throw new AppError(
      "VALIDATION",
      '"pool_ref" is required: the console\'s virtual service proxies to a pool.',
      { field: "pool_ref" },
    );
  const id = await ctx.resolve("pool", parseRef("pool", ref, "pool_ref"), "pool_ref");
  const pool = (await poolItems(ctx)).find((p) => p.id === id);
  if (!pool)
    throw new AppError("VALIDATION", "pool_ref: there is no such pool in your tenant.", {
      field: "pool_ref",
    });
  if (pool.virtualServiceId && pool.virtualServiceId !== existing?.id) {
    throw new AppError(
      "VALIDATION",
      `pool_ref: pool "${pool.name}" is the pool of virtual service "${pool.virtualServiceName}"; the console keeps one pool per virtual service.`,
      { field: "pool_ref" },
    );
  }
  return pool;
}

function servicesOf(body: Json): { port: number; ssl: boolean }[] {
  return (arrayField(body, "services") ?? []).map((raw, i) => {
    const s = (raw && typeof raw === "object" ? raw : {}) as Json;
    checkFields(s, SERVICE_RULES, null, `services.${i}.`);
    return { port: s.port as number, ssl: s.enable_ssl === true };
  });
}

/** One certificate per VS: nginx here serves one certificate (no RSA + EC pair, no SNI set). */
async function certificateOf(ctx: AviCtx, body: Json): Promise<string | null> {
  const refs = arrayField(body, "ssl_key_and_certificate_refs") ?? [];
  if (refs.length > 1) {
    throw new AppError(
      "VALIDATION",
      `"ssl_key_and_certificate_refs" holds ${refs.length} certificates; the console serves one certificate per virtual service. Keep one.`,
      { field: "ssl_key_and_certificate_refs" },
    );
  }
  if (!refs.length) return null;
  const field = "ssl_key_and_certificate_refs.0";
  return ctx.resolve("sslkeyandcertificate", parseRef("sslkeyandcertificate", refs[0], field), field);
}
