import { findCommand } from "./registry";
import type { Session } from "./session";
import { words } from "./tokenize";

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
