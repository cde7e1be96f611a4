/**
 * C0 and C1 control characters (NUL, newline, ESC, DEL, …): never part of a name, label, path or
 * one-line value, and the way injected text escapes into configuration files and commands.
 */
export function hasControlCharacter(value: string, allowLineBreaks = false): boolean {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (allowLineBreaks && (c === 0x0a || c === 0x0d || c === 0x09)) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}
