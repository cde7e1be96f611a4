import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import type { ApplianceInfo } from "../lifecycle/appliance-info";
import type { StartLabOptions } from "../lifecycle/lab-options";
import { type Lab, startLab } from "../lifecycle/start-lab";
import { tempDir } from "./run";

/** The appliance log is written asynchronously: poll for a line instead of reading once. */
export async function waitForLog(
  appliance: ApplianceInfo,
  pattern: RegExp,
  timeoutMs = 5000,
): Promise<string> {
  const file = path.join(appliance.dir, "appliance.log");
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const text = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (pattern.test(text) || Date.now() > deadline) return text;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A lab for one test file: started before its tests, stopped (with the connectors the tests
 * opened) and its folder removed after them.
 */
export function useTestLab(prefix: string, options: Omit<StartLabOptions, "dataDir">) {
  const state = {
    dir: "",
    lab: undefined as Lab | undefined,
    connectors: [] as Array<{ close(): Promise<void> }>,
  };
  beforeAll(async () => {
    state.dir = tempDir(prefix);
    state.lab = await startLab({ ...options, dataDir: state.dir });
  });
  afterAll(async () => {
    await Promise.all(state.connectors.map((c) => c.close()));
    await state.lab?.stop();
    if (state.dir) fs.rmSync(state.dir, { recursive: true, force: true });
  });
  return {
    lab: () => state.lab!,
    dir: () => state.dir,
    connectors: state.connectors,
  };
}
