import { changeProcedure } from "../../init";

/**
 * Connection actions talk to the HSMs and log in: security mutations (audited), not queries that
 * refetch on window focus, even when they change nothing but the partition serial.
 */
export const security = changeProcedure("security").meta({ objectType: "hsm-group" });
