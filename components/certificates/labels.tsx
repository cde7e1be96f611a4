import type { CertificateSummary } from "@/lib/schemas/certificate";

export const STATUS_LABELS: Record<CertificateSummary["status"], string> = {
  creating: "Creating key…",
  "awaiting-certificate": "Awaiting certificate",
  active: "Active",
  failed: "Failed",
};

const EXPIRY_LABELS = {
  good: "Good",
  expiring: "Expiring soon",
  expired: "Expired",
  "not-yet-valid": "Not yet valid",
} as const;

export function ExpiryBadge({ state }: { state: CertificateSummary["expiry"] }) {
  if (!state) return null;
  const tone = state === "good" ? "success" : "failure";
  return <span className={`badge ${tone}`}>{EXPIRY_LABELS[state]}</span>;
}

export function keyText(c: Pick<CertificateSummary, "keyAlgorithm" | "keyBits" | "keyCurve">): string {
  return c.keyAlgorithm === "EC" ? `EC ${c.keyCurve ?? c.keyBits}` : `RSA ${c.keyBits}`;
}

/** Offers a text as a file download (certificate, CSR). */
export function download(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "application/x-pem-file" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
}

/** Where the key lives: the HSM group and the members recorded as holding it. */
export function keyLocationText(c: Pick<CertificateSummary, "hsmGroupName" | "keyMembers">): string {
  if (!c.hsmGroupName) return "Console database (encrypted)";
  const members = c.keyMembers.length > 0 ? c.keyMembers.join(", ") : "not recorded";
  return `HSM group ${c.hsmGroupName} — held by ${members}`;
}

/** Console-made keys carry this label prefix (server/services/certificates/key-material.ts). */
const CONSOLE_LABEL_PREFIX = "hsm-console:";

/** Why a referenced certificate's key is not the console's own. */
export function referenceNote(c: {
  type: CertificateSummary["type"];
  keyLabel: string | null;
}): string | null {
  if (c.type !== "reference") return null;
  return c.keyLabel?.startsWith(CONSOLE_LABEL_PREFIX)
    ? "Referenced: the key was already in the HSM (made by this console for another certificate)."
    : "Referenced: the key was already in the HSM, not made by this console.";
}
