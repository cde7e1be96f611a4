/**
 * The HSM group aggregate: a group, its servers (by position), its trusted clients with their
 * registrations, and the application-access state of its servers. Queries only: services keep
 * the rules (authorization, audit, PKCS#11) and call these.
 */
export * from "./access-state";
export * from "./clients";
export * from "./groups";
export * from "./health-samples";
export * from "./local-token";
export * from "./referrers";
export * from "./registrations";
export * from "./servers";
export type * from "./types";
