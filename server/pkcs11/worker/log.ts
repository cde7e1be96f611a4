/**
 * The worker's JSON log lines (same shape as the console's, server/observability/logger.ts), on the
 * stdout it shares with the console. A small pino of its own: the worker loads none of the
 * console's settings, only the level its parent hands it (WORKER_ENV.logLevel).
 */
import pino from "pino";
import { WORKER_ENV } from "../rpc";

export const workerLog = pino(
  {
    level: process.env[WORKER_ENV.logLevel] ?? "info",
    base: { pid: process.pid, component: "pkcs11-worker" },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  },
  pino.destination({ dest: 1, sync: true }),
);
