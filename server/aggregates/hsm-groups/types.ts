import type {
  hsmAccessState,
  hsmClientRegistrations,
  hsmClients,
  hsmGroups,
  hsmServers,
} from "@/server/db/schema";

/** Rows of the HSM group aggregate: the group, its servers (by position), its trusted clients. */
export type GroupRow = typeof hsmGroups.$inferSelect;
export type NewGroup = typeof hsmGroups.$inferInsert;
export type ServerRow = typeof hsmServers.$inferSelect;
export type NewServer = typeof hsmServers.$inferInsert;
export type ClientRow = typeof hsmClients.$inferSelect;
export type NewClient = typeof hsmClients.$inferInsert;
export type RegistrationRow = typeof hsmClientRegistrations.$inferSelect;
export type AccessStateRow = typeof hsmAccessState.$inferSelect;
