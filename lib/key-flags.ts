import type { KeyFlags } from "./schemas/certificate";

/**
 * Words for a private key's protection, from the flags its token reports (never assumed). The
 * summary leads with what matters to an admin; `flagList` names every PKCS#11 flag with its
 * value, as `pkcs11-tool -O` would, so the two can be compared.
 */
export function protectionSummary(f: KeyFlags): string {
  const sensitive = f.sensitive ? "sensitive" : "NOT sensitive";
  let extraction: string;
  if (!f.extractable) {
    extraction = f.neverExtractable
      ? "never extractable"
      : "not extractable now (was extractable or wrapped in before)";
  } else {
    extraction = f.wrapWithTrusted ? "extractable under a trusted (cloning-domain) key only" : "EXTRACTABLE";
  }
  return `${sensitive}, ${extraction}, ${f.local ? "generated in this HSM" : "created outside this HSM and brought in"}`;
}

const FLAG_NAMES: Array<[keyof KeyFlags, string]> = [
  ["sensitive", "CKA_SENSITIVE"],
  ["alwaysSensitive", "CKA_ALWAYS_SENSITIVE"],
  ["extractable", "CKA_EXTRACTABLE"],
  ["neverExtractable", "CKA_NEVER_EXTRACTABLE"],
  ["local", "CKA_LOCAL"],
  ["wrapWithTrusted", "CKA_WRAP_WITH_TRUSTED"],
];

export function flagList(f: KeyFlags): string {
  return FLAG_NAMES.map(([k, name]) => `${name} ${f[k]}`).join(" · ");
}
