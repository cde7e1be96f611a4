import { X509Certificate } from "node:crypto";

/**
 * Exact-certificate pinning, as a Luna client trusts the appliance: the server.pem fetched with
 * `scp admin@<hsm>:server.pem` is the only certificate accepted, not a CA chain. Regenerating
 * the appliance's certificate therefore breaks every client until it fetches the new one.
 */
export function parsePem(pem: string, what: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (cause) {
    throw new Error(`${what} is not a PEM X.509 certificate`, { cause });
  }
}

export type PinCheck = { ok: true } | { ok: false; reason: string };

/** Compares the peer's DER with the pinned certificate and checks the validity dates. */
export function checkPinned(
  pinned: X509Certificate,
  peerDer: Buffer | undefined,
  now = new Date(),
): PinCheck {
  if (!peerDer || peerDer.length === 0) return { ok: false, reason: "the server presented no certificate" };
  if (!peerDer.equals(pinned.raw)) {
    return { ok: false, reason: "the server certificate does not match the pinned server.pem" };
  }
  return checkValidity(pinned, now);
}

export function checkValidity(cert: X509Certificate, now = new Date()): PinCheck {
  if (now < new Date(cert.validFrom))
    return { ok: false, reason: `certificate not valid before ${cert.validFrom}` };
  if (now > new Date(cert.validTo)) return { ok: false, reason: `certificate expired on ${cert.validTo}` };
  return { ok: true };
}
