import { createHash, randomBytes, scryptSync } from "node:crypto";

/**
 * A cloning domain is one AES-256 key present in every member partition, as a trusted,
 * sensitive, non-extractable token object. Objects are cloned by wrapping them under it on one
 * appliance and unwrapping on another: plaintext key material never leaves an HSM.
 *
 * The key value exists in the clear only transiently: generated (or derived from a domain
 * secret an admin types, like Luna's domain string) in memory, injected with C_CreateObject
 * into each member at partition creation, then zero-filled. It is never written to disk.
 */
export interface DomainKey {
  name: string;
  key: Buffer;
}

export function randomDomain(name: string): DomainKey {
  return { name, key: randomBytes(32) };
}

/** Same secret → same key on every appliance; the name is derived so members can be matched. */
export function domainFromSecret(secret: string): DomainKey {
  const key = scryptSync(secret, "hsm-lab cloning domain v1", 32);
  const name = `domain-${createHash("sha256").update(key).digest("hex").slice(0, 12)}`;
  return { name, key };
}

export function wipe(domain: DomainKey): void {
  domain.key.fill(0);
}
