import type { serviceEngineGroups, serviceEngines } from "@/server/db/schema";

/** Rows of the SE group aggregate: the group and its service engines. */
export type SeGroupRow = typeof serviceEngineGroups.$inferSelect;
export type NewSeGroup = typeof serviceEngineGroups.$inferInsert;
export type SeRow = typeof serviceEngines.$inferSelect;
export type NewSe = typeof serviceEngines.$inferInsert;
