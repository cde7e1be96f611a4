import path from "node:path";
import readline from "node:readline";
import { registerAllCommands } from "./commands";
import { type CliConfig, envOverrides, loadConfig } from "./config";
import { CliError } from "./errors";
import { runLine } from "./registry";
import { Session } from "./session";
import { interactiveShell } from "./shell";
import { endsInQuote, statements } from "./tokenize";

const HELP = `Usage: hsm-console [--controller URL] [--token TOKEN] [--fingerprint SHA256 | --ca FILE]
                   [--json] [-c "commands"] [command ...]
       hsm-console login --controller https://HOST:3000 --token TOKEN --fingerprint SHA256

Without a command it opens an interactive shell (history, tab completion).
-c runs commands separated by ";" or newlines and stops at the first error.
Piped standard input is run the same way. The token may also come from HSM_CONSOLE_TOKEN,
the controller from HSM_CONSOLE_CONTROLLER, or both from ~/.config/hsm-console/config.json.
The console's certificate must be trusted: --fingerprint pins the SHA-256 fingerprint printed in
the console's start log (HSM_CONSOLE_FINGERPRINT), --ca names a CA or certificate file
(HSM_CONSOLE_CA); login saves either. Verification is never turned off.`;

interface Options {
  controller?: string;
  token?: string;
  ca?: string;
  fingerprint?: string;
  json: boolean;
  script?: string;
  rest: string[];
}

function parseArgs(argv: string[]): Options {
  const options: Options = { json: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new CliError(`${arg} needs a value.`, 2);
      return v;
    };
    if (arg === "--controller") options.controller = value();
    else if (arg === "--token") options.token = value();
    else if (arg === "--ca") options.ca = path.resolve(value());
    else if (arg === "--fingerprint") options.fingerprint = value();
    else if (arg === "-c") options.script = value();
    else if (arg === "--json") options.json = true;
    else options.rest.push(arg);
  }
  return options;
}

/** Runs statements in order; the first failure stops the run and sets the exit code. */
async function runScript(lines: string[], session: Session, json: boolean): Promise<number> {
  for (const line of lines) await runLine(line, session, json);
  session.mode?.abandon(session);
  return 0;
}

/**
 * Piped input runs line by line as it arrives, so that whoever feeds the pipe can act on one
 * command's output before sending the next (as an operator at the prompt would).
 */
async function runStream(session: Session, json: boolean): Promise<number> {
  let pending = "";
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    pending += `${line}\n`;
    if (endsInQuote(pending)) continue; // a quoted value spans lines
    for (const statement of statements(pending)) await runLine(statement, session, json);
    pending = "";
  }
  return runScript(statements(pending), session, json);
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  registerAllCommands();
  const options = parseArgs(argv);
  const config = loadConfig();
  const fromEnv = envOverrides();
  const session = new Session({
    controller: options.controller || fromEnv.controller || config.controller,
    token: options.token || fromEnv.token || config.token,
    ...trustFrom(options, fromEnv, config),
  });
  if (options.script !== undefined) return runScript(statements(options.script), session, options.json);
  if (options.rest.length) return runScript([options.rest.map(quote).join(" ")], session, options.json);
  if (!process.stdin.isTTY) return runStream(session, options.json);
  return interactiveShell(session);
}

/** A trust given on the command line or in the environment replaces the saved one entirely. */
function trustFrom(
  options: Options,
  fromEnv: CliConfig,
  config: CliConfig,
): { ca?: string; fingerprint?: string } {
  const fingerprint = options.fingerprint || fromEnv.fingerprint;
  const ca = options.ca || fromEnv.ca;
  if (fingerprint) return { fingerprint };
  if (ca) return { ca };
  return {
    ...(config.fingerprint ? { fingerprint: config.fingerprint } : {}),
    ...(config.ca ? { ca: config.ca } : {}),
  };
}

/** Re-quotes an argv word so that the line tokenizer sees it as one word again. */
function quote(word: string): string {
  return /[\s"'\\;]/.test(word) ? `'${word.replace(/'/g, "'\\''")}'` : word;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof CliError ? error.message : `Error: ${String(error)}`}\n`);
    process.exit(error instanceof CliError ? error.exitCode : 1);
  },
);
