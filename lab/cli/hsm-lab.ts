import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { appliancePaths } from "../appliance/paths";
import { readApplianceInfo } from "../lifecycle/appliance-info";
import { labCountFromEnv } from "../lifecycle/lab-options";
import { startLab } from "../lifecycle/start-lab";
import { printLabSummary } from "../lifecycle/summary";
import { resolveDataDir } from "./data-dir";

/**
 * The lab on its own, without the console:
 *   lab/bin/hsm-lab start [--count N] [--data-dir D]   runs in the foreground until Ctrl-C
 *   lab/bin/hsm-lab status                             appliances, running or not, and their details
 *   lab/bin/hsm-lab stop                               stops appliances started elsewhere
 */
async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { "data-dir": { type: "string" }, count: { type: "string" } },
  });
  const dataDir = resolveDataDir(values["data-dir"]);
  const command = positionals[0] ?? "status";
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
  const labDir = path.join(dataDir, "lab");
  const names = fs.existsSync(labDir)
    ? fs.readdirSync(labDir).filter((n) => fs.existsSync(appliancePaths(path.join(labDir, n)).config))
    : [];
  if (command === "status") {
    for (const name of names) {
      const pid = runningPid(path.join(labDir, name));
      process.stdout.write(`${name}: ${pid ? `running (pid ${pid})` : "stopped"}\n`);
    }
    const infos = names.flatMap((n) => {
      try {
        return [readApplianceInfo(path.join(labDir, n))];
      } catch {
        return [];
      }
    });
    printLabSummary(infos);
    return 0;
  }
  if (command === "stop") {
    for (const name of names) {
      const pid = runningPid(path.join(labDir, name));
      if (!pid) continue;
      process.kill(-pid, "SIGTERM"); // the appliance leads its process group
      process.stdout.write(`${name}: stop requested (pid ${pid})\n`);
    }
    return 0;
  }
  console.error(`hsm-lab: unknown command ${command} (start | status | stop)`);
  return 2;
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
