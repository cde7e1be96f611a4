import type { Db } from "@/server/db";
import { log } from "@/server/observability/logger";
import { toAppError } from "@/server/pkcs11";
import { resolveInterruptedCreations } from "./resolve-interrupted";

const INTERVAL_MS = 60_000;

/** One loop per process, even when Next's hot reload imports this module again. */
const holder = globalThis as unknown as { __hsmConsoleCreationReconciler?: () => void };

/**
 * Interrupted creations are resolved at start and then every minute, on every console node (each
 * row is claimed by one node). Runs in the background: an HSM that does not answer never delays
 * the start.
 */
export function startCreationReconciler(db: Db): () => void {
  holder.__hsmConsoleCreationReconciler?.();
  let running = false;
  const pass = async () => {
    if (running) return;
    running = true;
    try {
      const report = await resolveInterruptedCreations(db);
      const done = report.finished.length + report.failed.length;
      if (done > 0)
        log("reconciler").info({
          msg: "interrupted creations resolved",
          finished: report.finished.length,
          failed: report.failed.length,
        });
    } catch (error) {
      log("reconciler").error({ err: toAppError(error).message, msg: "pass failed" });
    } finally {
      running = false;
    }
  };
  void pass();
  const timer = setInterval(() => void pass(), INTERVAL_MS);
  timer.unref();
  const stop = () => clearInterval(timer);
  holder.__hsmConsoleCreationReconciler = stop;
  return stop;
}
