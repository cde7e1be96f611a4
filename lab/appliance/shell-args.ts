/**
 * lunash-style argument parsing: `client register -c NAME -i IP`, with long forms
 * (-client, -ip, -hostname, -partition, -file) and double-quoted values.
 */
const ALIASES: Record<string, string> = {
  c: "client",
  client: "client",
  i: "ip",
  ip: "ip",
  h: "hostname",
  hostname: "hostname",
  p: "partition",
  par: "partition",
  partition: "partition",
  f: "file",
  file: "file",
  d: "domain",
  domain: "domain",
  force: "force",
};
const FLAGS = new Set(["force"]);

export interface ParsedCommand {
  words: string[];
  options: Record<string, string>;
}

export function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) tokens.push(m[1] ?? m[2] ?? m[3] ?? "");
  return tokens;
}

export function parseCommand(line: string): ParsedCommand {
  const tokens = tokenize(line);
  const words: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] ?? "";
    if (!t.startsWith("-") || t === "-") {
      words.push(t);
      continue;
    }
    const key = ALIASES[t.replace(/^-+/, "").toLowerCase()];
    if (!key) throw new Error(`Unknown option ${t}.`);
    if (FLAGS.has(key)) {
      options[key] = "true";
      continue;
    }
    const value = tokens[i + 1];
    if (value === undefined) throw new Error(`Option ${t} needs a value.`);
    options[key] = value;
    i++;
  }
  return { words, options };
}
