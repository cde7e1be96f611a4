import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { configDir } from "./config";
import { CliError } from "./errors";
import { isSecretField } from "./fields";
import { completions, runLine } from "./registry";
import type { Session } from "./session";
import { words } from "./tokenize";

const HISTORY_SIZE = 1000;

/** The interactive shell: prompt, history in the config folder, tab completion. */
export async function interactiveShell(session: Session): Promise<number> {
  const historyFile = path.join(configDir(), "history");
  const history = readHistory(historyFile);
  const rl = readline.createInterface({
    input: process.stdin,
    output: process.stdout,
    history,
    historySize: HISTORY_SIZE,
    removeHistoryDuplicates: true,
    completer: (line: string, callback: (err: null, result: [string[], string]) => void) => {
      completions(line, session).then(
        (result) => callback(null, result),
        () => callback(null, [[], line]),
      );
    },
  });
  const prompt = () => {
    rl.setPrompt(`[hsm-console]: ${session.mode?.prompt ?? "> "}`);
    rl.prompt();
  };
  session.out(`Connected to ${session.connection.controller ?? "(no controller)"}. Type "help".`);
  prompt();
  for await (const line of rl) {
    const trimmed = line.trim();
    if (trimmed === "exit" || trimmed === "quit") {
      if (!session.mode) break;
    }
    if (trimmed) appendHistory(historyFile, trimmed);
    try {
      await runLine(trimmed, session);
    } catch (error) {
      session.err(error instanceof CliError ? error.message : String(error));
    }
    prompt();
  }
  session.mode?.abandon(session);
  rl.close();
  return 0;
}

function readHistory(file: string): string[] {
  try {
    return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).reverse().slice(0, HISTORY_SIZE);
  } catch {
    return [];
  }
}

/** Lines that set a password (or another secret) are not written to the history file. */
function appendHistory(file: string, line: string): void {
  if (words(line).some(isSecretField)) return;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.appendFileSync(file, `${line}\n`, { mode: 0o600 });
  } catch {
    // History is a convenience: an unwritable folder must not stop the shell.
  }
}
