import {
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

/** Console nodes sharing this database (server/cluster/nodes.ts): registered at start, heartbeat. */
export const clusterNodes = pgTable("cluster_nodes", {
  /** HSM_CONSOLE_NODE_NAME (host name by default): also the node's HSM client name. */
  name: text("name").primaryKey(),
  /** For the REST API's /api/cluster/<uuid>; kept when the node registers again. */
  id: uuid("id").notNull().defaultRandom().unique(),
  /** Where the node serves its console (https://host:port). */
  address: text("address").notNull(),
  version: text("version").notNull(),
  pid: integer("pid").notNull(),
  /** The HSM client identity the node uses on appliances (its client certificate's CN and IP). */
  hsmClient: jsonb("hsm_client").$type<{ name: string; ip: string }>().notNull(),
  startedAt: timestamp("started_at", { withTimezone: true }).notNull(),
  heartbeatAt: timestamp("heartbeat_at", { withTimezone: true }).notNull(),
  /** Set when the node stopped cleanly (down at once, not after missed heartbeats). */
  stoppedAt: timestamp("stopped_at", { withTimezone: true }),
});

/**
 * Changes every node must apply (an SE group to refresh, ...), in order. NOTIFY carries only the
 * id; a node that was away reads every row after the last id it applied (server/cluster/bus.ts).
 */
export const clusterChanges = pgTable("cluster_changes", {
  id: bigserial("id", { mode: "number" }).primaryKey(),
  kind: text("kind").notNull(),
  subjectId: text("subject_id").notNull(),
  originNode: text("origin_node").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Work one node asks of another (restart an SE it hosts), answered in the same row. */
export const clusterRequests = pgTable(
  "cluster_requests",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    kind: text("kind").notNull(),
    targetNode: text("target_node").notNull(),
    subjectId: text("subject_id").notNull(),
    requestedBy: text("requested_by").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    /** Taken by the target node (once: a request is carried out at most once). */
    claimedAt: timestamp("claimed_at", { withTimezone: true }),
    answeredAt: timestamp("answered_at", { withTimezone: true }),
    ok: boolean("ok"),
    /** The answer: a result on success, { code, message } of the target's error otherwise. */
    answer: jsonb("answer").$type<Record<string, unknown>>(),
  },
  (t) => [index("cluster_requests_target").on(t.targetNode, t.answeredAt)],
);

/** One row encrypted with the master key: a node whose key cannot decrypt it refuses to start. */
export const clusterCanary = pgTable("cluster_canary", {
  id: integer("id").primaryKey(),
  valueEnc: text("value_enc").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});
