import { boolean, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { sslCertificates } from "./certificates";
import { serviceEngineGroups } from "./service-engines";
import { tenants } from "./tenancy";

export const VS_STATES = ["pending", "up", "down", "disabled"] as const;

/** Avi's VirtualService: a VIP with service ports, optionally SSL with a certificate, and a pool. */
export const virtualServices = pgTable(
  "virtual_services",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    name: text("name").notNull(),
    vip: text("vip").notNull(),
    ports: jsonb("ports").$type<{ port: number; ssl: boolean }[]>().notNull(),
    certificateId: uuid("certificate_id").references(() => sslCertificates.id, { onDelete: "restrict" }),
    pool: jsonb("pool").$type<{ host: string; port: number }[]>().notNull(),
    healthCheck: jsonb("health_check").$type<{ path: string } | null>(),
    seGroupId: uuid("se_group_id")
      .notNull()
      .references(() => serviceEngineGroups.id, { onDelete: "restrict" }),
    enabled: boolean("enabled").notNull().default(true),
    state: text("state", { enum: VS_STATES }).notNull().default("pending"),
    stateReason: text("state_reason"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex("virtual_services_tenant_name").on(t.tenantId, t.name)],
);
