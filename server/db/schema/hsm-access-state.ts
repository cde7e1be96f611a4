import { boolean, pgTable, primaryKey, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { hsmServers } from "./hsm-groups";

/**
 * "Open / close application access" (sautil -o / -c) per HSM server and console node: who opened
 * the console's login to the partition, from which node and since when; who closed it.
 */
export const hsmAccessState = pgTable(
  "hsm_access_state",
  {
    serverId: uuid("server_id")
      .notNull()
      .references(() => hsmServers.id, { onDelete: "cascade" }),
    node: text("node").notNull(),
    open: boolean("open").notNull().default(false),
    openedBy: text("opened_by"),
    openedAt: timestamp("opened_at", { withTimezone: true }),
    closedBy: text("closed_by"),
    closedAt: timestamp("closed_at", { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.serverId, t.node] })],
);
