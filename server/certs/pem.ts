import { AppError } from "@/lib/errors";

/** One armoured block: `-----BEGIN <label>-----`, optional RFC 1421 headers, base64 body. */
export interface PemBlock {
  label: string;
  /** RFC 1421 headers such as `Proc-Type` and `DEK-Info` (legacy encrypted keys). */
  headers: Record<string, string>;
  der: Buffer;
}

/** A certificate chain or key is a few KiB; this bounds the work done on pasted text. */
export const MAX_PEM_CHARS = 1024 * 1024;
const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
const BASE64 = /^[A-Za-z0-9+/=\s]+$/;

/**
 * All PEM blocks in `text`, in order. Text around the blocks (openssl's "Bag Attributes",
 * "subject=" lines, a mail signature) is ignored because admins paste whole files; CRLF is fine.
 * Never echoes the input in errors: it may be a private key.
 */
export function readPemBlocks(text: string, field: string): PemBlock[] {
  if (text.length > MAX_PEM_CHARS) {
    throw new AppError("PAYLOAD_TOO_LARGE", "This text is too large for a certificate or key (over 1 MiB).", {
      field,
    });
  }
  const blocks: PemBlock[] = [];
  for (const match of text.matchAll(BLOCK)) {
    const label = match[1] ?? "";
    const lines = (match[2] ?? "").split(/\r?\n|\r/);
    const headers: Record<string, string> = {};
    const body: string[] = [];
    for (const line of lines) {
      const trimmed = line.trim();
      if (trimmed === "") continue;
      const header = /^([A-Za-z-]+):\s*(.*)$/.exec(trimmed);
      if (header && body.length === 0) headers[header[1] ?? ""] = header[2] ?? "";
      else body.push(trimmed);
    }
    const base64 = body.join("");
    if (!BASE64.test(base64 || "=")) {
      throw new AppError("VALIDATION", `The ${label} block is damaged: its body is not base64.`, { field });
    }
    blocks.push({ label, headers, der: Buffer.from(base64, "base64") });
  }
  if (blocks.length === 0) throw notPem(text, field);
  return blocks;
}

/** The most helpful sentence for text that holds no PEM block at all. */
function notPem(text: string, field: string): AppError {
  const compact = text.replace(/\s+/g, "");
  if (compact.length === 0) return new AppError("VALIDATION", "This field is empty.", { field });
  if (compact.length >= 64 && BASE64.test(compact)) {
    return new AppError(
      "VALIDATION",
      "This looks like base64 DER without PEM armour. Paste the file including its " +
        "-----BEGIN ...----- and -----END ...----- lines (convert DER with `openssl x509 -inform der`).",
      { field },
    );
  }
  return new AppError("VALIDATION", "This is not PEM text: no -----BEGIN ...----- line was found.", {
    field,
  });
}
