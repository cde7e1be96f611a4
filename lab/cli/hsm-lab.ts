import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { appliancePaths, resolveDataDir } from "../appliance/paths";
import { readApplianceInfo } from "../lifecycle/appliance-info";
import { ControlClient } from "../lifecycle/control-client";
import { labCountFromEnv } from "../lifecycle/lab-options";
import { labSocketPath } from "../lifecycle/lab-socket";
import { startLab } from "../lifecycle/start-lab";
import { printLabSummary } from "../lifecycle/summary";

const HSM_LAB_HELP = `Usage: lab/bin/hsm-lab COMMAND [options]

The lab network HSM appliances on their own (npm start runs the same lab inside the console).

Commands:
  start [--count N]      run the lab in the foreground until Ctrl-C (default 2 appliances, or $LAB_APPLIANCES)
  start NAME             start one appliance of the running lab again (e.g. after "stop NAME")
  stop NAME [--kill]     stop one appliance of the running lab; --kill = SIGKILL, as a crash or power loss
  stop                   stop every appliance of this data folder, whoever started them
  status                 the lab and each appliance: running or stopped, addresses, credentials, partitions
  help                   this text (also --help, -h)

Options:
  --data-dir D           the console's data folder (default $HSM_CONSOLE_DATA, else ./data)

Try HA by hand: "hsm-lab stop hsm1" while a virtual service serves, watch the service engine move
to the other appliance, then "hsm-lab start hsm1".
`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      "data-dir": { type: "string" },
      count: { type: "string" },
      kill: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = values.help ? "help" : (positionals[0] ?? "status");
  const name = positionals[1];
  const dataDir = resolveDataDir(values["data-dir"]);
  const labDir = path.join(dataDir, "lab");
  if (command === "help") {
    process.stdout.write(HSM_LAB_HELP);
    return 0;
  }
  if ((command === "start" || command === "stop") && name) {
    return askLab(dataDir, { op: command, name, ...(values.kill ? { signal: "SIGKILL" } : {}) });
  }
  if (command === "start") {
    const count = values.count !== undefined ? Number(values.count) : labCountFromEnv();
    const lab = await startLab({ dataDir, count });
    printLabSummary(lab.appliances);
    process.stdout.write("Lab running. Ctrl-C stops it.\n");
    const why = await Promise.race([
      new Promise<string>((resolve) => {
        process.once("SIGINT", () => resolve("interrupted"));
        process.once("SIGTERM", () => resolve("terminated"));
      }),
      lab.allExited().then(() => "every appliance has exited"),
    ]);
    process.stdout.write(`Stopping the lab (${why}).\n`);
    await lab.stop();
    return 0;
  }
  const names = fs.existsSync(labDir)
    ? fs.readdirSync(labDir).filter((n) => fs.existsSync(appliancePaths(path.join(labDir, n)).config))
    : [];
  if (command === "status") {
    const labUp = await reachable(labSocketPath(dataDir));
    process.stdout.write(`lab in ${labDir}: ${labUp ? "running" : "not running"}\n`);
    for (const n of names) {
      const pid = runningPid(path.join(labDir, n));
      process.stdout.write(`${n}: ${pid ? `running (pid ${pid})` : "stopped"}\n`);
    }
    printLabSummary(names.flatMap((n) => readable(path.join(labDir, n))));
    return 0;
  }
  if (command === "stop") {
    for (const n of names) {
      const pid = runningPid(path.join(labDir, n));
      if (!pid) continue;
      process.kill(-pid, "SIGTERM"); // the appliance leads its process group
      process.stdout.write(`${n}: stop requested (pid ${pid})\n`);
    }
    return 0;
  }
  process.stderr.write(`hsm-lab: unknown command "${command}"\n\n${HSM_LAB_HELP}`);
  return 2;
}

/** One request to the process that runs the lab (see lab/lifecycle/lab-socket.ts). */
async function askLab(dataDir: string, body: Record<string, string>): Promise<number> {
  let client: ControlClient;
  try {
    client = await ControlClient.connect(labSocketPath(dataDir));
  } catch {
    process.stderr.write(
      `hsm-lab: no lab is running for ${dataDir} (start it with "npm start" or "lab/bin/hsm-lab start", or pass --data-dir)\n`,
    );
    return 2;
  }
  try {
    const answer = await client.request(body);
    (answer.result === 0 ? process.stdout : process.stderr).write(answer.output);
    return answer.result === 0 ? 0 : 1;
  } finally {
    client.close();
  }
}

async function reachable(socketPath: string): Promise<boolean> {
  try {
    (await ControlClient.connect(socketPath, 2000)).close();
    return true;
  } catch {
    return false;
  }
}

function readable(dir: string) {
  try {
    return [readApplianceInfo(dir)];
  } catch {
    return [];
  }
}

function runningPid(dir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(appliancePaths(dir).pid, "utf8").trim());
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`hsm-lab: ${(error as Error).message}`);
    process.exit(1);
  },
);
