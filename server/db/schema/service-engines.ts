import { integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { hsmGroups } from "./hsm-groups";
import { tenants } from "./tenancy";

export const SE_STATES = ["starting", "running", "restart-required", "failed", "stopped"] as const;

/** Avi's ServiceEngineGroup (Default-Group exists): SEs that share settings and an HSM group. */
export const serviceEngineGroups = pgTable(
  "service_engine_groups",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    /** The document's hardwaresecuritymodulegroup_ref. */
    hsmGroupId: uuid("hsm_group_id").references(() => hsmGroups.id, { onDelete: "restrict" }),
    /** Number of SEs the group runs. */
    seCount: integer("se_count").notNull().default(1),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("se_groups_tenant_name").on(t.tenantId, t.name)],
);

/** One service engine: a supervised nginx on a console node. */
export const serviceEngines = pgTable("service_engines", {
  id: uuid("id").primaryKey().defaultRandom(),
  groupId: uuid("group_id")
    .notNull()
    .references(() => serviceEngineGroups.id, { onDelete: "cascade" }),
  name: text("name").notNull().unique(),
  /** The console node that supervises it. */
  nodeName: text("node_name").notNull(),
  managementIp: text("management_ip").notNull(),
  state: text("state", { enum: SE_STATES }).notNull().default("stopped"),
  stateReason: text("state_reason"),
  /** Why a restart is needed (HSM group changed, package uploaded, ...); null when none. */
  restartRequiredReason: text("restart_required_reason"),
  stateSince: timestamp("state_since", { withTimezone: true }).notNull().defaultNow(),
  detail: jsonb("detail").$type<Record<string, unknown>>(),
});
