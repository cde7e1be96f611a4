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
