import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { type Lab, startLabFromEnv } from "../lab";
import { dataDir, env } from "../server/config/env";
import { errorFields, log } from "../server/observability/logger";
import { waitUntilReady } from "../server/observability/wait-ready";

/**
 * Supervises the console's processes: the lab network HSM appliances (LAB_APPLIANCES, default 2)
 * and the Next server (which migrates and prepares the data folder on start). Ctrl-C stops all.
 */
async function main(): Promise<void> {
  // Validated first: a wrong setting stops the start here, naming the variable.
  const { PORT: port, HOSTNAME: host, LAB_APPLIANCES: labCount } = env();
  const out = log("hsm-console");
  const data = dataDir();
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  process.env.HSM_CONSOLE_DATA = data;
  out.info(`data folder: ${data}`);

  let lab: Lab | null = null;
  try {
    lab = await startLabFromEnv(data, { ...process.env, LAB_APPLIANCES: String(labCount) });
  } catch (error) {
    // The lab is a convenience for trying the console; a real HSM needs none of it.
    out.error({ ...errorFields(error), msg: "the lab appliances did not start" });
  }

  const next = spawn(process.execPath, serverArgs(), {
    stdio: "inherit",
    env: { ...process.env, PORT: String(port) },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    next.kill("SIGTERM");
    await lab
      ?.stop()
      .catch((error: Error) => out.error({ ...errorFields(error), msg: "stopping the lab failed" }));
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  next.on("exit", (code, signal) => void stop(code ?? (signal ? 1 : 0)));
  // "Ready" only once /readyz says so (database, migrations, service engines), not at spawn.
  const ready = await waitUntilReady(host, port, { timeoutMs: 600_000, alive: () => !stopping });
  if (ready) out.info(`ready: serving on https://localhost:${port} (plain HTTP there redirects)`);
  else if (!stopping) out.warn("the server did not report ready within 10 minutes (see /readyz)");
}

/** Compiled (build/launch.cjs, as `npm start` runs it): the compiled server beside it; else the source under tsx. */
function serverArgs(): string[] {
  if (__filename.endsWith(".cjs")) return [path.join(__dirname, "serve.cjs")];
  return ["--import", "tsx", "scripts/serve.ts"];
}

main().catch((error) => {
  log("hsm-console").fatal({ ...errorFields(error, true), msg: "the console did not start" });
  process.exit(1);
});
