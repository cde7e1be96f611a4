import { bigserial, index, jsonb, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { AUDIT_OUTCOMES } from "../../../lib/schemas/audit";
import { tenants } from "./tenancy";

export { AUDIT_OUTCOMES };

export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
    /** Null only for refusals before a tenant is known (e.g. an unauthenticated call). */
    tenantId: uuid("tenant_id").references(() => tenants.id, { onDelete: "set null" }),
    actorId: uuid("actor_id"),
    actorName: text("actor_name").notNull(),
    address: text("address"),
    action: text("action").notNull(),
    objectType: text("object_type"),
    objectId: text("object_id"),
    objectName: text("object_name"),
    outcome: text("outcome", { enum: AUDIT_OUTCOMES }).notNull(),
    /** Error code and message for failures; never secrets (inputs are not copied here). */
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_tenant_at_idx").on(t.tenantId, t.at), index("audit_action_idx").on(t.action)],
);
