import pino, { type Logger } from "pino";
import { env } from "@/server/config/env";
import { currentRequestId } from "./request-context";

/**
 * Field names whose values are never written, at any depth the logger is given them (pino's redact
 * paths are exact, so the usual nestings are listed). Callers should not pass secrets at all; this
 * is the safety net.
 */
const SECRET_KEYS = [
  "pin",
  "soPin",
  "userPin",
  "password",
  "partitionPassword",
  "passphrase",
  "secret",
  "token",
  "authorization",
  "cookie",
  "privateKey",
  "keyPem",
  "pkcs8",
];
const REDACT = SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]);

const KEY = Symbol.for("hsm-console.observability.logger");
type WithLogger = typeof globalThis & { [KEY]?: Logger };

function build(level: string, destination: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACT, censor: "[redacted]" },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { requestId } : {};
      },
    },
    destination,
  );
}

/** The configured level; "info" when the settings are invalid, so that the refusal itself is logged. */
function configuredLevel(): string {
  try {
    return env().HSM_CONSOLE_LOG_LEVEL;
  } catch {
    return "info";
  }
}

/**
 * The process's logger: JSON lines on stdout (pino, synchronous destination: no worker thread,
 * nothing lost on exit), level from HSM_CONSOLE_LOG_LEVEL, the current request's id on every line
 * logged inside a request. Kept on globalThis: Next's bundle and scripts/serve.ts share it.
 */
export function logger(): Logger {
  const g = globalThis as WithLogger;
  g[KEY] ??= build(configuredLevel(), pino.destination({ dest: 1, sync: true }));
  return g[KEY];
}

/** A logger naming its part of the console (`component` field), e.g. "service-engines". */
export function log(component: string): Logger {
  return logger().child({ component });
}

/**
 * An error as loggable data: its message and code (and, for unexpected errors, the stack), never
 * its whole object (which may hold the inputs of the failed call).
 */
export function errorFields(
  error: unknown,
  withStack = false,
): { err: string; code?: string; stack?: string } {
  if (!(error instanceof Error)) return { err: String(error) };
  const code = (error as { code?: unknown }).code;
  return {
    err: error.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(withStack && error.stack ? { stack: error.stack } : {}),
  };
}

/** Tests capture what was logged (every level) in `stream`; null returns to stdout. */
export function setLoggerForTests(stream: pino.DestinationStream | null): void {
  const g = globalThis as WithLogger;
  g[KEY] = stream ? build("debug", stream) : undefined;
}
