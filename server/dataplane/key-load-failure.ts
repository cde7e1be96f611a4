import type { RunResult } from "./process";

/**
 * Why the PKCS#11 engine could not load a key, told apart from its output: libp11 prints "The
 * private key was not found" after every kind of failure (a refused PIN or a dead link too), which
 * misled admins into looking for a missing key. Measured with libengine-pkcs11-openssl 0.4.12 and
 * p11-kit-client 0.24 (SoftHSM behind it): each cause has its own line.
 */
export type KeyLoadCause =
  | "hsm-unreachable"
  | "partition-locked"
  | "partition-not-visible"
  | "key-not-found"
  | "other";

export interface KeyLoadFailure {
  cause: KeyLoadCause;
  /** Short, for people: what failed and what to check. */
  text: string;
}

export function classifyKeyLoadFailure(r: Pick<RunResult, "stderr" | "timedOut">): KeyLoadFailure {
  const out = r.stderr;
  if (r.timedOut) return { cause: "hsm-unreachable", text: "HSM unreachable: it did not answer in time" };
  if (/Failed to enumerate slots|Device error|Unable to load module|Cannot connect/i.test(out))
    return { cause: "hsm-unreachable", text: "HSM unreachable: the PKCS#11 link failed (Device error)" };
  if (/PIN locked/i.test(out))
    return { cause: "partition-locked", text: "partition locked: the HSM refuses logins (PIN locked)" };
  if (/PIN incorrect|PIN len|Login failed|Login to token failed/i.test(out))
    return { cause: "partition-locked", text: "partition locked: the partition password was refused" };
  if (/No matching initialized token/i.test(out))
    return {
      cause: "partition-not-visible",
      text: "partition not visible to this client (not registered, or the partition is not assigned)",
    };
  if (/object not found|private key was not found/i.test(out))
    return { cause: "key-not-found", text: "key not found on this HSM" };
  return { cause: "other", text: "the key could not be loaded" };
}
