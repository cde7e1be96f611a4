import type { TokenRef } from "./types";

/** What the HA virtual slot reports: each member's measured health, and each replication. */
export interface MemberHealth {
  name: string;
  token: TokenRef;
  reachable: boolean;
  loggedIn: boolean;
  latencyMs: number;
  lastError?: string;
  checkedAt: string;
}

export interface ReplicationReport {
  idHex: string;
  source: string;
  replicatedTo: string[];
  failed: Array<{ member: string; error: string }>;
}

/**
 * Whether a member's token can keep HA keys inside the HSM. "cloneable": its cloning-domain key
 * does not stop a partition user from unwrapping an HA key as non-sensitive, i.e. anyone with
 * the partition password can copy the key out in plaintext (measured, see probeCustody).
 */
export interface MemberCustody {
  member: string;
  cloneable: boolean;
  reason: string;
}

export const CLONEABLE_MEANING =
  "Cloneable: this HSM does not stop a partition user from unwrapping an HA key as non-sensitive, so anyone with the partition password can copy the key out of the HSM in plaintext.";
