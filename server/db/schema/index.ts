export * from "./api-tokens";
export * from "./audit";
export * from "./auth-support";
export * from "./local-hsm";
export * from "./tenancy";
