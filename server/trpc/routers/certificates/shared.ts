import { changeProcedure } from "../../init";

/** Certificates belong to the security area (like HSM groups). */
export const securityChange = changeProcedure("security").meta({ objectType: "certificate" });
