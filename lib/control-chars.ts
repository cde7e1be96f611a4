/**
 * C0 and C1 control characters (NUL, newline, ESC, DEL, …): never part of a name, label, path or
 * one-line value, and the way injected text escapes into configuration files and commands.
 */
export function hasControlCharacter(value: string, allowLineBreaks = false): boolean {
  return firstControlCharacter(value, allowLineBreaks) !== null;
}

/** The first control character as U+XXXX, or null. */
export function firstControlCharacter(value: string, allowLineBreaks = false): string | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (allowLineBreaks && (c === 0x0a || c === 0x0d || c === 0x09)) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;
  }
  return null;
}

/** Input fields whose text has several lines (PEM blocks, NAME=value lists): line breaks and tabs allowed. */
export const MULTI_LINE_FIELDS: ReadonlySet<string> = new Set([
  "moduleEnv",
  "serverCert",
  "pem",
  "keyPem",
  "certificatePem",
  "chainPem",
  "csrPem",
]);
