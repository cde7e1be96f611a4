/** PKCS#11 URIs (RFC 7512): the portable reference service engines use (libp11, nginx, openssl). */

/** RFC 7512 pchar minus the characters that separate attributes; everything else is %XX. */
function encodeComponent(value: string | Buffer): string {
  const bytes = typeof value === "string" ? Buffer.from(value, "utf8") : value;
  let out = "";
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9\-._~:[\]@!$'()*+,=&]/.test(c) && b < 0x80 ? c : `%${b.toString(16).padStart(2, "0")}`;
  }
  return out;
}

export interface Pkcs11UriInput {
  token: string;
  serial?: string;
  manufacturer?: string;
  model?: string;
  idHex?: string;
  object?: string;
  type?: "private" | "public" | "cert" | "secret-key" | "data";
}

/** e.g. `pkcs11:token=web;id=%01%02;object=www;type=private`. Every id byte is percent-encoded. */
export function pkcs11Uri(input: Pkcs11UriInput): string {
  const parts: string[] = [];
  if (input.model) parts.push(`model=${encodeComponent(input.model)}`);
  if (input.manufacturer) parts.push(`manufacturer=${encodeComponent(input.manufacturer)}`);
  if (input.serial) parts.push(`serial=${encodeComponent(input.serial)}`);
  parts.push(`token=${encodeComponent(input.token)}`);
  if (input.idHex) {
    parts.push(
      `id=${Buffer.from(input.idHex, "hex").reduce((s, b) => `${s}%${b.toString(16).padStart(2, "0")}`, "")}`,
    );
  }
  if (input.object) parts.push(`object=${encodeComponent(input.object)}`);
  if (input.type) parts.push(`type=${input.type}`);
  return `pkcs11:${parts.join(";")}`;
}

/** Parses the path attributes of a PKCS#11 URI (query attributes such as pin-value are returned too). */
export function parsePkcs11Uri(uri: string): Record<string, string> {
  if (!uri.startsWith("pkcs11:")) throw new Error("not a pkcs11: URI");
  const [path = "", query = ""] = uri.slice("pkcs11:".length).split("?");
  const out: Record<string, string> = {};
  for (const part of [...path.split(";"), ...query.split("&")]) {
    if (!part) continue;
    const eq = part.indexOf("=");
    const key = part.slice(0, eq);
    const raw = part.slice(eq + 1);
    out[key] =
      key === "id" ? Buffer.from(decodeURIComponentBytes(raw)).toString("hex") : decodeURIComponent(raw);
  }
  return out;
}

function decodeURIComponentBytes(s: string): number[] {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "%") {
      bytes.push(Number.parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(s.charCodeAt(i));
  }
  return bytes;
}

/**
 * The same key on another token (an HA member holds a replica with the same id and label under its
 * own partition label). Token identity attributes of the old token (serial, model…) are dropped.
 */
export function onToken(uri: string, tokenLabel: string): string {
  const a = parsePkcs11Uri(uri);
  return pkcs11Uri({
    token: tokenLabel,
    ...(a.id ? { idHex: a.id } : {}),
    ...(a.object ? { object: a.object } : {}),
    ...(a.type ? { type: a.type as NonNullable<Pkcs11UriInput["type"]> } : {}),
  });
}
