import { commands } from "./registry";
import type { Session } from "./session";
import { words } from "./tokenize";

/** Tab completion: verbs, then what the command (or the open sub-mode) proposes. */
export async function completions(line: string, session: Session): Promise<[string[], string]> {
  const typed = words(line);
  if (line === "" || /\s$/.test(line)) typed.push("");
  const current = typed.at(-1) ?? "";
  let candidates: string[];
  if (session.mode) {
    candidates = session.mode.complete(typed);
  } else if (typed.length <= 1) {
    candidates = [...commands().map((c) => c.verb), "exit", "quit"];
  } else {
    const command = commands().find((c) => c.verb === typed[0]);
    candidates = (await command?.complete?.(typed.slice(1), session)) ?? [];
  }
  const hits = candidates.filter((c) => c.startsWith(current));
  return [hits.map((h) => `${h} `), current];
}
