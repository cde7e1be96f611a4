import path from "node:path";
import { readJson, writeJsonAtomic } from "../appliance/json-file";

/**
 * Which cloning domains the lab created and which partitions joined each. Only names and
 * members: the domain key itself is never written down (see lab/appliance/cloning-domain.ts),
 * so a partition that is missing later cannot rejoin an old domain: it gets a new one.
 */
export interface LabDomains {
  domains: Array<{ name: string; members: string[] }>;
}

export function domainsFile(dataDir: string): string {
  return path.join(dataDir, "lab", "domains.json");
}

export function readDomains(dataDir: string): LabDomains {
  return readJson<LabDomains>(domainsFile(dataDir), { domains: [] });
}

export function nextDomainName(state: LabDomains): string {
  return state.domains.length === 0 ? "lab-domain" : `lab-domain-${state.domains.length + 1}`;
}

export function recordDomain(dataDir: string, name: string, members: string[]): void {
  const state = readDomains(dataDir);
  const existing = state.domains.find((d) => d.name === name);
  if (existing) existing.members.push(...members);
  else state.domains.push({ name, members });
  writeJsonAtomic(domainsFile(dataDir), state);
}
