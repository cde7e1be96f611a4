import path from "node:path";
import readline from "node:readline";
import { parseArgs } from "node:util";
import { readConfig } from "../appliance/config";
import { appliancePaths, resolveDataDir } from "../appliance/paths";
import { ControlClient } from "../lifecycle/control-client";

/**
 * lunash for a lab appliance, as `ssh admin@<hsm>` gives on a real one:
 *   lab/bin/lunash --appliance hsm1                      interactive
 *   lab/bin/lunash --appliance hsm1 -c "client list"     one command; exit code 0 on success
 */
const LUNASH_HELP = `Usage: lab/bin/lunash [--appliance NAME] [--data-dir D] [-c "COMMAND"]

The admin shell of a lab appliance, as "ssh admin@<hsm>" gives on a Luna Network HSM.
  -a, --appliance NAME   which appliance (default hsm1)
  --data-dir D           the console's data folder (default $HSM_CONSOLE_DATA, else ./data)
  -c, --command "LINE"   run one command and exit (exit code 0 on success); without it, interactive
  -h, --help             this text; inside the shell, "help" lists the appliance's commands
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      appliance: { type: "string", short: "a" },
      "data-dir": { type: "string" },
      command: { type: "string", short: "c" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    process.stdout.write(LUNASH_HELP);
    return 0;
  }
  const name = values.appliance ?? "hsm1";
  const dir = path.join(resolveDataDir(values["data-dir"]), "lab", name);
  const paths = appliancePaths(dir);
  let client: ControlClient;
  try {
    client = await ControlClient.connect(paths.controlSocket);
  } catch (error) {
    console.error(`lunash: cannot reach appliance ${name}: ${(error as Error).message}`);
    return 2;
  }
  try {
    if (values.command !== undefined) {
      const answer = await client.request({ line: values.command });
      process.stdout.write(answer.output);
      return answer.result === 0 ? 0 : 1;
    }
    const host = readConfig(paths).host;
    process.stdout.write(`Lab Network HSM ${name} Command Line Shell (hsm-lab). Type "help" or "exit".\n`);
    const rl = readline.createInterface({
      input: process.stdin,
      output: process.stdout,
      prompt: `[${host}] lunash:>`,
    });
    rl.prompt();
    for await (const line of rl) {
      const trimmed = line.trim();
      if (trimmed === "exit" || trimmed === "quit") break;
      if (trimmed !== "") process.stdout.write((await client.request({ line: trimmed })).output);
      rl.prompt();
    }
    rl.close();
    return 0;
  } finally {
    client.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`lunash: ${(error as Error).message}`);
    process.exit(2);
  },
);
