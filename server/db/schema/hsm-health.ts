import { doublePrecision, index, integer, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { hsmServers } from "./hsm-groups";

/**
 * The HSM health picture's history: per HSM server (group member), console node and minute, the
 * PKCS#11 operations and their latency, and the health probe's latency when one ran. Bounded:
 * rows older than a day and an hour are deleted at each write (server/services/hsm-health).
 */
export const hsmHealthSamples = pgTable(
  "hsm_health_samples",
  {
    serverId: uuid("server_id")
      .notNull()
      .references(() => hsmServers.id, { onDelete: "cascade" }),
    node: text("node").notNull(),
    minute: timestamp("minute", { withTimezone: true }).notNull(),
    ops: integer("ops").notNull().default(0),
    errors: integer("errors").notNull().default(0),
    latencySumMs: doublePrecision("latency_sum_ms").notNull().default(0),
    latencyMaxMs: doublePrecision("latency_max_ms").notNull().default(0),
    probes: integer("probes").notNull().default(0),
    probeFailures: integer("probe_failures").notNull().default(0),
    probeSumMs: doublePrecision("probe_sum_ms").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.node, t.minute] }), index("hsm_health_samples_minute").on(t.minute)],
);
