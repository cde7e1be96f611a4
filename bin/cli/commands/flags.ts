import { usage } from "../errors";

/**
 * `--name value` and `--switch` words of the host-side commands (backup, restore, service):
 * positional words first, then flags from the allowed list; anything else is a usage error.
 */
export function parseFlags(
  args: string[],
  allowed: { values: string[]; switches: string[] },
  usageLine: string,
): { positional: string[]; values: Record<string, string>; switches: Set<string> } {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  const switches = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (allowed.switches.includes(word)) switches.add(word);
    else if (allowed.values.includes(word)) {
      const value = args[++i];
      if (value === undefined) throw usage(`${word} needs a value. Usage: ${usageLine}`);
      values[word] = value;
    } else if (word.startsWith("--")) throw usage(`Unknown option ${word}. Usage: ${usageLine}`);
    else positional.push(word);
  }
  return { positional, values, switches };
}
