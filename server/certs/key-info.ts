import type { KeyObject } from "node:crypto";
import { CURVES } from "./oids";

/** What the UI shows about a public or private key: algorithm and size or curve. */
export interface KeyInfo {
  algorithm: string;
  bits?: number;
  curve?: string;
}

export function describeKey(key: KeyObject): KeyInfo {
  const type = key.asymmetricKeyType ?? "unknown";
  const details = key.asymmetricKeyDetails ?? {};
  if (type === "rsa" || type === "rsa-pss") {
    return { algorithm: type === "rsa" ? "RSA" : "RSA-PSS", bits: details.modulusLength };
  }
  if (type === "ec") {
    const named = details.namedCurve ?? "unknown";
    const curve = CURVES[named] ?? named;
    const bits = curve === "P-256" ? 256 : curve === "P-384" ? 384 : curve === "P-521" ? 521 : undefined;
    return { algorithm: "EC", curve, ...(bits ? { bits } : {}) };
  }
  return { algorithm: type.toUpperCase() };
}
