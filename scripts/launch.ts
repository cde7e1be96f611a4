import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

/**
 * Supervises the console's processes: the Next server (which migrates and prepares the data
 * folder on start) and, as later features add them, the lab appliances. Ctrl-C stops all.
 */
async function main(): Promise<void> {
  const data = path.resolve(process.env.HSM_CONSOLE_DATA ?? "./data");
  fs.mkdirSync(data, { recursive: true, mode: 0o700 });
  process.env.HSM_CONSOLE_DATA = data;
  const port = process.env.PORT ?? "3000";
  console.log(`[hsm-console] data folder: ${data}`);
  const next = spawn(process.execPath, [require.resolve("next/dist/bin/next"), "start", "-p", port], {
    stdio: "inherit",
    env: process.env,
  });
  console.log(`[hsm-console] serving on http://localhost:${port}`);
  const stop = () => next.kill("SIGTERM");
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  next.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
