import { HSM_TYPES, type HsmType } from "../../../lib/hsm-types";
import { formatModuleEnv } from "../../../lib/schemas/module-env";
import { usage } from "../errors";
import { intValue, onlyKnown, pairs, textValue } from "../values";

/** One HSM server as the CLI collects it (write-only partition password; empty = unchanged). */
export interface ServerDraft {
  id?: string;
  address?: string;
  port?: number;
  serverCert?: string;
  partition?: string;
  partitionPassword?: string;
  adminApiUrl?: string;
}

export interface GroupDraft {
  name: string;
  type?: HsmType;
  servers: ServerDraft[];
  isHa: boolean;
  moduleLibrary?: string;
  /** The library's configuration variables (`module_env NAME=value`). */
  moduleEnv: Record<string, string>;
}

/** Avi's HSM type words, plus the console's own names (the lab appliance has no Avi word). */
export const TYPE_WORDS: Record<string, HsmType> = {
  hsm_type_safenet_luna: "safenet-luna",
  hsm_type_lab_appliance: "lab-appliance",
  hsm_type_thales_nethsm: "thales-nshield",
  hsm_type_aws_cloudhsm: "aws-cloudhsm",
  hsm_type_pkcs11_module: "pkcs11-module",
  ...Object.fromEntries(HSM_TYPES.map((t) => [t, t])),
};

export function typeFromWord(word: string | undefined): HsmType {
  const type = word === undefined ? undefined : TYPE_WORDS[word.toLowerCase()];
  if (!type) throw usage(`hsm type is one of: ${Object.keys(TYPE_WORDS).join(", ")}.`);
  return type;
}

/** The words of `server …` in the sluna sub-mode (Avi's sluna.server fields, plus the console's). */
export const SERVER_WORDS = [
  "remote_ip",
  "server_cert",
  "partition",
  "partition_passwd",
  "index",
  "port",
  "admin_api_url",
  "partition_serial",
];

/**
 * `server remote_ip 1.1.1.11 server_cert file:hsm11.pem partition par43 partition_passwd …`:
 * `index N` (1-based) changes the N-th server, otherwise a server is added.
 */
export function applyServer(draft: GroupDraft, args: string[]): void {
  const values = pairs(args);
  onlyKnown(values, SERVER_WORDS);
  if (values.has("partition_serial")) {
    // The console learns each partition's serial from the appliance (and builds the HA group
    // number from it); a typed serial could only disagree with it.
    throw usage(
      "partition_serial: the console reads the serial from the appliance; name the partition with `partition LABEL`.",
    );
  }
  const index = values.has("index") ? intValue("index", values.get("index")) : draft.servers.length + 1;
  if (index < 1 || index > draft.servers.length + 1) {
    throw usage(`index: use 1 to ${draft.servers.length + 1} (this group has ${draft.servers.length}).`);
  }
  const server: ServerDraft = draft.servers[index - 1] ?? {};
  if (values.has("remote_ip")) server.address = values.get("remote_ip");
  if (values.has("server_cert")) server.serverCert = textValue("server_cert", values.get("server_cert"));
  if (values.has("partition")) server.partition = values.get("partition");
  if (values.has("partition_passwd")) server.partitionPassword = values.get("partition_passwd");
  if (values.has("port")) server.port = intValue("port", values.get("port"));
  if (values.has("admin_api_url")) server.adminApiUrl = values.get("admin_api_url");
  draft.servers[index - 1] = server;
}

/** `no server index N` (or `no server N`). */
export function removeServer(draft: GroupDraft, args: string[]): void {
  const n = intValue("index", args[0] === "index" ? args[1] : args[0]);
  if (n < 1 || n > draft.servers.length)
    throw usage(`index: this group has ${draft.servers.length} servers.`);
  draft.servers.splice(n - 1, 1);
}

interface SavedGroup {
  id: string;
  name: string;
  type: HsmType;
  isHa: boolean;
  moduleLibrary: string | null;
  moduleEnv?: Record<string, string> | null;
  servers: {
    id: string;
    address: string | null;
    port: number | null;
    serverCertPem: string | null;
    partition: string;
    adminApiUrl: string | null;
  }[];
}

/** A saved group as a draft again: servers keep their ids, so their passwords stay unchanged. */
export function fromGroup(group: SavedGroup): GroupDraft {
  return {
    name: group.name,
    type: group.type,
    isHa: group.isHa,
    ...(group.moduleLibrary ? { moduleLibrary: group.moduleLibrary } : {}),
    moduleEnv: { ...(group.moduleEnv ?? {}) },
    servers: group.servers.map((s) => ({
      id: s.id,
      ...(s.address ? { address: s.address } : {}),
      ...(s.port ? { port: s.port } : {}),
      ...(s.serverCertPem ? { serverCert: s.serverCertPem } : {}),
      partition: s.partition,
      ...(s.adminApiUrl ? { adminApiUrl: s.adminApiUrl } : {}),
    })),
  };
}

/** The create/update input of hsmGroups (the browser form's shape). */
export function toInput(draft: GroupDraft): Record<string, unknown> {
  return {
    name: draft.name,
    type: draft.type,
    isHa: draft.isHa,
    ...(draft.moduleLibrary ? { moduleLibrary: draft.moduleLibrary } : {}),
    moduleEnv: formatModuleEnv(draft.moduleEnv),
    servers: draft.servers.map((s) => ({ ...s, partition: s.partition ?? "" })),
  };
}

const SERVER_FIELD_WORDS: Record<string, string> = {
  address: "remote_ip",
  serverCert: "server_cert",
  partition: "partition",
  partitionPassword: "partition_passwd",
  port: "port",
  adminApiUrl: "admin_api_url",
};

/** The console's field path in the CLI's words: servers.0.partitionPassword → server index 1 partition_passwd. */
export function fieldWords(field: string): string | null {
  const server = /^servers\.(\d+)\.(\w+)$/.exec(field);
  if (server) return `server index ${Number(server[1]) + 1} ${SERVER_FIELD_WORDS[server[2]!] ?? server[2]}`;
  return (
    {
      isHa: "is_ha",
      type: "hsm type",
      moduleLibrary: "module_library",
      moduleEnv: "module_env",
      servers: "server",
      name: "name",
    }[field] ?? null
  );
}
