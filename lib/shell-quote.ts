/**
 * One argument of a command shown for copying, quoted for a POSIX shell (and for lunash, which
 * splits on spaces): plain words stay readable, anything else is single-quoted.
 */
export function shellQuote(value: string): string {
  if (value !== "" && /^[A-Za-z0-9._:@/=+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
