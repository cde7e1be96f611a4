export * from "./audit";
export * from "./auth-support";
export * from "./hsm-groups";
export * from "./local-hsm";
export * from "./tenancy";
