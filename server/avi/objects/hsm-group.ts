import { AppError } from "@/lib/errors";
import type { HsmGroup } from "@/lib/schemas/hsm-group";
import { arrayField, checkFields, COMMON_READ_ONLY, enumField, objectField, stringField } from "../fields";
import { identity, wholeList } from "./lookup";
import type { AviKind, Item, Json } from "./types";

type Server = HsmGroup["servers"][number];

const LUNA = "HSM_TYPE_SAFENET_LUNA";
/** Avi's enum where one exists; the PKCS#11 module type is the console's extension. */
const AVI_TYPES: Record<HsmGroup["type"], string> = {
  "safenet-luna": LUNA,
  "lab-appliance": LUNA,
  "thales-nshield": "HSM_TYPE_THALES_NETHSM",
  "aws-cloudhsm": "HSM_TYPE_AWS_CLOUDHSM",
  "pkcs11-module": "HSM_TYPE_PKCS11_MODULE",
};

const HSM_RULES = { writable: ["type", "sluna"], readOnly: [] };
const SLUNA_RULES = {
  writable: ["is_ha", "server"],
  readOnly: ["node_info", "ha_group_num", "use_dedicated_network"],
};
/**
 * Avi's server has no partition label, only `partition_serial_number`, which the console reads
 * from the appliance's slot list once connected (it cannot be told). The label is given in the
 * extension field `partition_label`; `remote_port` (default 1792) is the other extension.
 */
const SERVER_RULES = {
  writable: ["index", "remote_ip", "server_cert", "partition_passwd", "partition_label", "remote_port"],
  readOnly: ["partition_serial_number"],
};

export const hsmGroupKind: AviKind = {
  kind: "hardwaresecuritymodulegroup",
  summary: "HSM groups (hsm.sluna servers, HA)",
  rules: { writable: ["name", "hsm"], readOnly: [...COMMON_READ_ONLY] },
  fieldNames: [
    [/^servers\.(\d+)\.address$/, "hsm.sluna.server.$1.remote_ip"],
    [/^servers\.(\d+)\.port$/, "hsm.sluna.server.$1.remote_port"],
    [/^servers\.(\d+)\.serverCert$/, "hsm.sluna.server.$1.server_cert"],
    [/^servers\.(\d+)\.partition$/, "hsm.sluna.server.$1.partition_label"],
    [/^servers\.(\d+)\.partitionPassword$/, "hsm.sluna.server.$1.partition_passwd"],
    [/^servers$/, "hsm.sluna.server"],
    [/^isHa$/, "hsm.sluna.is_ha"],
    [/^type$/, "hsm.type"],
  ],
  nested: { hsm: HSM_RULES, "hsm.sluna": SLUNA_RULES, "hsm.sluna.server[]": SERVER_RULES },
  notes: [
    "Created and changed here: HSM_TYPE_SAFENET_LUNA (the console's SafeNet Luna type). Lab appliances answer as HSM_TYPE_SAFENET_LUNA and PKCS#11 module groups as HSM_TYPE_PKCS11_MODULE (an extension); edit those in the console.",
    "partition_label (extension, required on create): Avi's server entry names no partition, so the partition's label is given as `partition list` prints it. partition_serial_number is read-only: the console reads it from the appliance's slot list (List slots, HA setup) and refuses a different value.",
    "remote_port (extension) defaults to 1792 (NTLS).",
    "partition_passwd is write-only: never answered; left out of a PUT, the password of the server at the same index is kept.",
    "node_info lists the trusted clients (client_ip). Clients and their certificates are managed on the group's client certificates page (or POST …/<uuid>/clientcert), not through node_info; ha_group_num and use_dedicated_network are read-only.",
    "Actions answer in the console's shapes: POST /api/hardwaresecuritymodulegroup/<uuid>/{test, listslots, openaccess, closeaccess, setupha, synchronise, hastatus, clientcert}.",
  ],
  list: async (ctx) => wholeList((await ctx.call("hsmGroups.list")) as Item[]),
  get: async (ctx, id) => (await ctx.call("hsmGroups.get", { id })) as Item,
  toAvi: (ctx, item) => {
    const g = item as unknown as HsmGroup;
    return {
      ...identity(ctx, "hardwaresecuritymodulegroup", g),
      hsm: { type: AVI_TYPES[g.type], ...(AVI_TYPES[g.type] === LUNA ? { sluna: slunaOf(g) } : {}) },
    };
  },
  create: async (ctx, body) => {
    const created = (await ctx.call("hsmGroups.create", groupInput(body, null))) as { id: string };
    return created.id;
  },
  update: async (ctx, item, body, current) => {
    await ctx.call("hsmGroups.update", {
      id: item.id,
      ...groupInput(body, item as unknown as HsmGroup, current),
    });
  },
  remove: async (ctx, id) => {
    await ctx.call("hsmGroups.remove", { id });
  },
};

function slunaOf(g: HsmGroup): Json {
  const clients = g.clients.filter((c) => !c.replacedAt);
  return {
    is_ha: g.isHa,
    ...(g.haGroupNum ? { ha_group_num: Number(g.haGroupNum) } : {}),
    use_dedicated_network: clients.some((c) => c.network === "dedicated"),
    server: g.servers.map((s) => ({
      index: s.position + 1,
      remote_ip: s.address,
      remote_port: s.port,
      server_cert: s.serverCertPem,
      partition_label: s.partition,
      ...(s.partitionSerial ? { partition_serial_number: s.partitionSerial } : {}),
    })),
    node_info: clients.map((c) => ({ client_ip: c.ip })),
  };
}

/** The console's create/update input from an Avi body; `existing` keeps passwords and labels. */
function groupInput(body: Json, existing: HsmGroup | null, current: Json | null = null): Json {
  checkFields(body, hsmGroupKind.rules, current);
  const hsm = objectField(body, "hsm");
  if (!hsm)
    throw new AppError("VALIDATION", `"hsm" is required: {"type": "${LUNA}", "sluna": {…}}.`, {
      field: "hsm",
    });
  checkFields(hsm, HSM_RULES, null, "hsm.");
  enumField(hsm, "type", [LUNA], "hsm.");
  if (existing && AVI_TYPES[existing.type] !== LUNA) {
    throw new AppError("VALIDATION", `"${existing.name}" is not a Luna group; edit it in the console.`, {
      field: "hsm.type",
    });
  }
  const sluna = objectField(hsm, "sluna", "hsm.");
  if (!sluna)
    throw new AppError("VALIDATION", '"hsm.sluna" is required for HSM_TYPE_SAFENET_LUNA.', {
      field: "hsm.sluna",
    });
  const currentSluna = ((current?.hsm as Json | undefined)?.sluna as Json | undefined) ?? null;
  checkFields(sluna, SLUNA_RULES, currentSluna, "hsm.sluna.");
  const servers = (arrayField(sluna, "server", "hsm.sluna.") ?? []).map((s, i) =>
    serverInput(s, i, existing),
  );
  servers.sort((a, b) => a.index - b.index);
  return {
    name: stringField(body, "name") ?? "",
    type: existing?.type ?? "safenet-luna",
    isHa: sluna.is_ha === true,
    servers: servers.map(({ index: _index, ...s }) => s),
  };
}

function serverInput(raw: unknown, i: number, existing: HsmGroup | null) {
  const at = `hsm.sluna.server.${i}.`;
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
    throw new AppError("VALIDATION", `"${at.slice(0, -1)}" must be an object.`, { field: at.slice(0, -1) });
  }
  const s = raw as Json;
  const index = typeof s.index === "number" && Number.isInteger(s.index) ? s.index : i + 1;
  const known: Server | undefined = existing?.servers.find((e) => e.position === index - 1);
  checkFields(s, SERVER_RULES, known ? { partition_serial_number: known.partitionSerial } : null, at);
  const label = stringField(s, "partition_label", at) ?? known?.partition;
  if (!label) {
    throw new AppError(
      "VALIDATION",
      `"${at}partition_label" is required: Avi's server entry names no partition, so give the partition's label (as in "partition list" on the appliance).`,
      { field: `${at}partition_label` },
    );
  }
  const password = stringField(s, "partition_passwd", at);
  return {
    index,
    ...(known ? { id: known.id } : {}),
    address: stringField(s, "remote_ip", at),
    port: typeof s.remote_port === "number" ? s.remote_port : (known?.port ?? 1792),
    serverCert: stringField(s, "server_cert", at),
    partition: label,
    ...(password ? { partitionPassword: password } : {}),
  };
}
