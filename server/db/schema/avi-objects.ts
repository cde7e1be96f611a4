import { jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { tenants } from "./tenancy";
import { virtualServices } from "./virtual-services";

export const AVI_OBJECT_KINDS = ["pool", "vsvip"] as const;

/**
 * Avi's Pool and VsVip, which Avi's automation creates before the virtual service that uses them.
 * The console keeps a VS's pool and VIP inside the VS (what the service engines read), so these
 * rows hold only what no VS holds yet: a pool's servers until a VS takes it (then the VS's own
 * pool is the truth), a VsVip's address (a VS uses a VsVip when its VIP is that address).
 */
export const aviObjects = pgTable(
  "avi_objects",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "restrict" }),
    kind: text("kind", { enum: AVI_OBJECT_KINDS }).notNull(),
    name: text("name").notNull(),
    servers: jsonb("servers").$type<{ host: string; port: number }[]>(),
    vip: text("vip"),
    /** The VS a pool belongs to (one pool per VS, as the console models it). */
    virtualServiceId: uuid("virtual_service_id").references(() => virtualServices.id, {
      onDelete: "set null",
    }),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("avi_objects_tenant_kind_name").on(t.tenantId, t.kind, t.name),
    uniqueIndex("avi_objects_virtual_service").on(t.virtualServiceId),
  ],
);
