import {
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { HSM_CLIENT_KINDS, HSM_NETWORKS, HSM_TYPES, REGISTRATION_STATES } from "../../../lib/hsm-types";
import { tenants } from "./tenancy";

/** Avi's HardwareSecurityModuleGroup: a set of HSM servers (partitions) used together. */
export const hsmGroups = pgTable(
  "hsm_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    type: text("type", { enum: HSM_TYPES }).notNull(),
    /** HA across the servers (Avi's sluna.is_ha); only with two or more servers. */
    isHa: boolean("is_ha").notNull().default(false),
    /** "1" followed by the first member's serial, as Luna's HA group number. */
    haGroupNum: text("ha_group_num"),
    /** PKCS#11 module groups: the library and its environment (e.g. SOFTHSM2_CONF). */
    moduleLibrary: text("module_library"),
    moduleEnv: jsonb("module_env").$type<Record<string, string>>(),
    /** Label of the cloning-domain key in each member (HA by key wrap on local modules). */
    cloningKeyLabel: text("cloning_key_label"),
    /** The console's own SoftHSM token: created on start, not deletable. */
    builtIn: boolean("built_in").notNull().default(false),
    /** A built-in group whose token is in one node's data folder: only that node and its SEs reach it. */
    nodeName: text("node_name"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("hsm_groups_tenant_name").on(t.tenantId, t.name)],
);

/** Avi's sluna.server[]: one HSM device (address + partition) of a group; for modules, the token. */
export const hsmServers = pgTable(
  "hsm_servers",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => hsmGroups.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    /** IP or host of a network appliance; null for a PKCS#11 module. */
    address: text("address"),
    port: integer("port"),
    /** The appliance's server.pem (public); pinned by the client connection. */
    serverCertPem: text("server_cert_pem"),
    /** Partition label (or the module's token label). */
    partition: text("partition").notNull(),
    /** Filled from the token when first reached. */
    partitionSerial: text("partition_serial"),
    /** AES-256-GCM ciphertext (context "hsm_servers.partition_password"); write-only in the API. */
    partitionPasswordEnc: text("partition_password_enc").notNull(),
    /** The appliance's admin API (Luna REST) address, for automatic client registration. */
    adminApiUrl: text("admin_api_url"),
    /** Admin API user and password (JSON), AES-256-GCM (context "hsm_servers.admin_credentials"); only when "remember" was ticked. */
    adminCredentialsEnc: text("admin_credentials_enc"),
  },
  (t) => [index("hsm_servers_group_idx").on(t.groupId)],
);

/** Avi's sluna.node_info[]: an HSM client (console node or service engine) with its certificate. */
export const hsmClients = pgTable(
  "hsm_clients",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    groupId: uuid("group_id")
      .notNull()
      .references(() => hsmGroups.id, { onDelete: "cascade" }),
    kind: text("kind", { enum: HSM_CLIENT_KINDS }).notNull(),
    /** The client name registered on the appliance (often its IP, as in the document). */
    name: text("name").notNull(),
    ip: text("ip").notNull(),
    network: text("network", { enum: HSM_NETWORKS }).notNull().default("management"),
    certPem: text("cert_pem").notNull(),
    /** AES-256-GCM ciphertext of the PEM private key (context "hsm_clients.key"). */
    keyEnc: text("key_enc").notNull(),
    fingerprint: text("fingerprint").notNull(),
    notAfter: timestamp("not_after", { withTimezone: true }).notNull(),
    /** Set when a rotation replaced this certificate; kept listed until then. */
    replacedAt: timestamp("replaced_at", { withTimezone: true }),
    /** Avi's node_info.chrystoki_conf: the client's rendered Chrystoki.conf, and the one before it (for the diff). */
    chrystokiConf: text("chrystoki_conf"),
    chrystokiConfPrevious: text("chrystoki_conf_previous"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("hsm_clients_group_idx").on(t.groupId)],
);

/** Registration of one client on one server, as last checked. */
export const hsmClientRegistrations = pgTable(
  "hsm_client_registrations",
  {
    clientId: uuid("client_id")
      .notNull()
      .references(() => hsmClients.id, { onDelete: "cascade" }),
    serverId: uuid("server_id")
      .notNull()
      .references(() => hsmServers.id, { onDelete: "cascade" }),
    status: text("status", { enum: REGISTRATION_STATES }).notNull().default("unknown"),
    detail: text("detail"),
    checkedAt: timestamp("checked_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.serverId] })],
);
