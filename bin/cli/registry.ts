import { usage } from "./errors";
import type { Session } from "./session";
import { words } from "./tokenize";

/**
 * The command registry and what the shell does with it: run a line, complete a line.
 * A top-level command ("show", "configure", ...). Commands live one per file under
 * bin/cli/commands/ and are listed in bin/cli/commands/index.ts.
 */
export interface Command {
  verb: string;
  usage: string;
  summary: string;
  run(args: string[], session: Session): Promise<void>;
  /** Candidates for the word being typed; `args` holds the words after the verb. */
  complete?(args: string[], session: Session): Promise<string[]> | string[];
}

const COMMANDS = new Map<string, Command>();

export function registerCommand(command: Command): void {
  if (COMMANDS.has(command.verb)) throw new Error(`Command ${command.verb} registered twice`);
  COMMANDS.set(command.verb, command);
}

export function commands(): Command[] {
  return [...COMMANDS.values()];
}

export function findCommand(verb: string): Command {
  const command = COMMANDS.get(verb);
  if (!command) throw usage(`Unknown command "${verb}". Type "help" for the list of commands.`);
  return command;
}

/** Runs one command line: the open sub-mode first, then the command registry. */
export async function runLine(line: string, session: Session, globalJson = false): Promise<void> {
  const all = words(line);
  const args = all.filter((w) => w !== "--json");
  session.json = globalJson || args.length !== all.length;
  if (!args.length) return;
  if (session.mode && (await session.mode.handle(args, session))) return;
  const [verb, ...rest] = args;
  await findCommand(verb!).run(rest, session);
}

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
