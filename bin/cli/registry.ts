import { usage } from "./errors";
import type { Session } from "./session";

/**
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
