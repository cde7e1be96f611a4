import type * as pk from "pkcs11js";
import type { WorkerStats } from "../types";

/**
 * What a token needs of the module instance that holds it (ModuleHost implements it): the PKCS#11
 * instance, the passwords given and proven per token, and the login counter. Its own file so that
 * the module (which creates tokens) and the token (which logs in through the module) do not
 * import each other.
 */
export interface TokenHost {
  readonly pkcs11: pk.PKCS11;
  /** Partition passwords given by a successful login, by token label. */
  readonly pins: Map<string, string>;
  /** Per token (label#serial): the password C_Login accepted in this process. */
  readonly provenPins: Map<string, string>;
  readonly stats: Pick<WorkerStats, "loginCalls">;
}
