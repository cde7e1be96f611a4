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
