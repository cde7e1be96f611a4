/**
 * Splits a command line into words: whitespace separates, single or double quotes keep spaces,
 * a backslash escapes the next character.
 */
export function words(line: string): string[] {
  const out: string[] = [];
  let current = "";
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "\\" && i + 1 < line.length) {
      current += line[++i];
      started = true;
    } else if (quote) {
      if (c === quote) quote = null;
      else current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      started = true;
    } else if (/\s/.test(c)) {
      if (started) out.push(current);
      current = "";
      started = false;
    } else {
      current += c;
      started = true;
    }
  }
  if (started) out.push(current);
  return out;
}

/** `-c "a; b"` and scripts: commands separated by newlines or by `;` outside quotes. */
export function statements(script: string): string[] {
  return scan(script)
    .out.map((s) => s.trim())
    .filter((s) => s && !s.startsWith("#"));
}

/** Whether a script ends inside a quote: its last statement continues on the next line. */
export function endsInQuote(script: string): boolean {
  return scan(script).quote !== null;
}

function scan(script: string): { out: string[]; quote: string | null } {
  const out: string[] = [];
  let current = "";
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const c = script[i]!;
    if (c === "\\" && i + 1 < script.length) {
      current += c + script[++i];
    } else if (quote) {
      if (c === quote) quote = null;
      current += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === ";" || c === "\n") {
      out.push(current);
      current = "";
    } else current += c;
  }
  out.push(current);
  return { out, quote };
}
