/**
 * Crash points for the crash test: armed by the worker op `armTestPoint` (refused unless the
 * worker's environment has HSM_PKCS11_TEST_HOOKS=1), a point announces itself by writing a file
 * and then never returns, so that the test kills the processes exactly there.
 */
import fs from "node:fs";
import { AppError } from "../../../lib/errors";
import type { WorkerTestPoint } from "../types";

let armed: { point: WorkerTestPoint; reachedFile: string } | undefined;

export function armTestPoint(point: WorkerTestPoint, reachedFile: string): undefined {
  if (process.env.HSM_PKCS11_TEST_HOOKS !== "1") throw new AppError("FORBIDDEN", "Test hooks are disabled.");
  armed = { point, reachedFile };
  return undefined;
}

export function isArmed(point: WorkerTestPoint): boolean {
  return armed?.point === point;
}

/** At an armed point: announce it, then wait forever (the test kills this process). */
export async function reachTestPoint(point: WorkerTestPoint): Promise<void> {
  if (armed?.point !== point) return;
  fs.writeFileSync(armed.reachedFile, `${point} ${process.pid}\n`);
  await new Promise<never>(() => undefined);
}
