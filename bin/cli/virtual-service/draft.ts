import { usage } from "../errors";
import { intValue } from "../values";

/** A virtual service as the CLI collects it; references by name until saved. */
export interface VsDraft {
  name: string;
  vip?: string;
  ports: { port: number; ssl: boolean }[];
  pool: { host: string; port: number }[];
  /** ssl_key_and_certificate_ref: a certificate name; null = none. */
  certificate: string | null;
  /** se_group_ref: a service engine group name. */
  seGroup: string;
  healthCheckPath?: string;
  enabled: boolean;
}

export interface SavedVs {
  id: string;
  name: string;
  vip: string;
  ports: { port: number; ssl: boolean }[];
  pool: { host: string; port: number }[];
  certificateName: string | null;
  seGroupName: string;
  healthCheckPath: string | null;
  enabled: boolean;
}

/** Avi creates virtual services in Default-Group unless told otherwise. */
export function newVs(name: string): VsDraft {
  return { name, ports: [], pool: [], certificate: null, seGroup: "Default-Group", enabled: true };
}

export function fromVs(vs: SavedVs): VsDraft {
  return {
    name: vs.name,
    vip: vs.vip,
    ports: vs.ports.map((p) => ({ ...p })),
    pool: vs.pool.map((p) => ({ ...p })),
    certificate: vs.certificateName,
    seGroup: vs.seGroupName,
    ...(vs.healthCheckPath ? { healthCheckPath: vs.healthCheckPath } : {}),
    enabled: vs.enabled,
  };
}

/** `services port 443 [enable_ssl]`: adds the port, or changes it when already listed. */
export function applyService(draft: VsDraft, args: string[]): void {
  if (args[0] !== "port") throw usage("Usage: services port N [enable_ssl]");
  const port = intValue("services port", args[1]);
  const extra = args.slice(2);
  if (extra.some((w) => w !== "enable_ssl")) throw usage("After services port N only enable_ssl may follow.");
  const ssl = extra.includes("enable_ssl");
  const existing = draft.ports.find((p) => p.port === port);
  if (existing) existing.ssl = ssl;
  else draft.ports.push({ port, ssl });
}

/** `pool_server 127.0.0.1:8081` */
export function applyPoolServer(draft: VsDraft, value: string | undefined): void {
  const match = /^([^:\s]+):(\d+)$/.exec(value ?? "");
  if (!match) throw usage("pool_server takes HOST:PORT, e.g. 127.0.0.1:8081.");
  const server = { host: match[1]!, port: Number(match[2]) };
  if (!draft.pool.some((p) => p.host === server.host && p.port === server.port)) draft.pool.push(server);
}

/** `no services [port N]`, `no pool_server [HOST:PORT]`, `no ssl_key_and_certificate_ref`, `no enabled`. */
export function applyNo(draft: VsDraft, [word, ...rest]: string[]): void {
  if (word === "services") {
    const port = rest[0] === "port" ? intValue("services port", rest[1]) : null;
    draft.ports = port === null ? [] : draft.ports.filter((p) => p.port !== port);
  } else if (word === "pool_server") {
    draft.pool = rest[0] ? draft.pool.filter((p) => `${p.host}:${p.port}` !== rest[0]) : [];
  } else if (word === "ssl_key_and_certificate_ref") draft.certificate = null;
  else if (word === "enabled") draft.enabled = false;
  else if (word === "health_check_path") delete draft.healthCheckPath;
  else
    throw usage("no takes: services, pool_server, ssl_key_and_certificate_ref, enabled, health_check_path.");
}

/** The console's field path in the CLI's words: ports.0.port → services port (1st). */
export function vsFieldWords(field: string): string | null {
  const indexed = /^(ports|pool)\.(\d+)(\.\w+)?$/.exec(field);
  if (indexed)
    return `${indexed[1] === "ports" ? "services" : "pool_server"} (entry ${Number(indexed[2]) + 1})`;
  const words: Record<string, string> = {
    vip: "vip",
    ports: "services",
    pool: "pool_server",
    certificateId: "ssl_key_and_certificate_ref",
    seGroupId: "se_group_ref",
    healthCheckPath: "health_check_path",
    name: "name",
  };
  return words[field] ?? null;
}
