import { index, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { ROLES } from "../../../lib/roles";
import { tenants, users } from "./tenancy";

/**
 * API tokens for scripts and the CLI (`Authorization: Bearer hsmc_…`). The secret is shown once
 * at creation; only its SHA-256 is kept, so a database dump yields no usable token.
 */
export const apiTokens = pgTable(
  "api_tokens",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    /** The owner: a token never outlives its user, and acts at most with the owner's role. */
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    role: text("role", { enum: ROLES }).notNull(),
    tokenHash: text("token_hash").notNull().unique(),
    /** The first characters of the secret ("hsmc_AbCd"), so users can tell tokens apart. */
    prefix: text("prefix").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true }),
    lastUsedAt: timestamp("last_used_at", { withTimezone: true }),
  },
  (t) => [index("api_tokens_user_idx").on(t.userId), index("api_tokens_tenant_idx").on(t.tenantId)],
);
