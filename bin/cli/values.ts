import fs from "node:fs";
import path from "node:path";
import { CliError, usage } from "./errors";

/**
 * Values such as `server_cert file:hsm11.pem`: `file:` reads the file relative to the current
 * folder (as the Avi shell does); any other word is the value itself.
 */
export function textValue(word: string, value: string | undefined): string {
  if (value === undefined) throw usage(`${word} needs a value.`);
  return value.startsWith("file:") ? readFile(word, value.slice(5)).toString("utf8") : value;
}

/** Binary files (PKCS#12) must be `file:`; they travel base64-encoded. */
export function base64FileValue(word: string, value: string | undefined): string {
  if (!value?.startsWith("file:")) throw usage(`${word} takes file:PATH.`);
  return readFile(word, value.slice(5)).toString("base64");
}

function readFile(word: string, file: string): Buffer {
  try {
    return fs.readFileSync(path.resolve(process.cwd(), file));
  } catch (error) {
    throw new CliError(`${word}: cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? error}`, 2);
  }
}

/** Words as `key value` pairs in order (keys may repeat), with bare flags (e.g. `enable_ssl`) allowed. */
export function pairList(args: string[], flags: string[] = []): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (let i = 0; i < args.length; i++) {
    const key = args[i]!;
    if (flags.includes(key)) out.push([key, undefined]);
    else {
      if (args[i + 1] === undefined) throw usage(`${key} needs a value.`);
      out.push([key, args[++i]]);
    }
  }
  return out;
}

/** `key value` pairs where each key appears once (the last one wins). */
export function pairs(args: string[], flags: string[] = []): Map<string, string | undefined> {
  return new Map(pairList(args, flags));
}

/** Refuses words that the command does not know, naming the ones it does. */
export function onlyKnown(values: Map<string, unknown>, known: string[]): void {
  for (const key of values.keys()) {
    if (!known.includes(key)) throw usage(`Unknown word "${key}". Expected: ${known.join(", ")}.`);
  }
}

/** A whole number from a word, or a usage error naming the word. */
export function intValue(word: string, value: string | undefined): number {
  const n = Number(value);
  if (value === undefined || !Number.isInteger(n)) throw usage(`${word} takes a whole number.`);
  return n;
}

/**
 * Renames the console's field in an error ("servers.0.partition: …") to the CLI's words
 * ("server index 1 partition: …"), so that a script's author sees what to change.
 */
export function renameField(error: unknown, rename: (field: string) => string | null): unknown {
  if (!(error instanceof CliError) || !error.field) return error;
  const cli = rename(error.field);
  if (!cli) return error;
  const message = error.message.startsWith(`${error.field}: `)
    ? `${cli}: ${error.message.slice(error.field.length + 2)}`
    : `${cli}: ${error.message}`;
  return new CliError(message, error.exitCode, error.code, error.field);
}
