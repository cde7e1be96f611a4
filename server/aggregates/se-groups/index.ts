/**
 * The SE group aggregate: a service engine group and its service engines. Queries only: the
 * service-engines services keep the rules and call these.
 */
export * from "./engines";
export * from "./groups";
export * from "./state-counts";
export type * from "./types";
