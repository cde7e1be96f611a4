import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/server/config/env";
import { seLayout } from "@/server/dataplane/layout";
import { metrics } from "./metrics";

/** At most this much new log is read per file and scrape (the rest waits for the next scrape). */
const READ_CAP = 8 * 1024 * 1024;
const LINE = /tls=(\S+) reused=(\S+) req=(\d+) vs=([0-9a-f-]{36})$/;
/** A VS's own error log (server/dataplane/layout.ts tlsErrorLog); the id is in the name. */
const VS_ERROR_LOG = /^vs-([0-9a-f-]{36})\.error\.log$/;

interface Cursor {
  ino: number;
  offset: number;
}

const KEY = Symbol.for("hsm-console.observability.tls-log-cursors");
type WithCursors = typeof globalThis & { [KEY]?: Map<string, Cursor> };

function cursors(): Map<string, Cursor> {
  const g = globalThis as WithCursors;
  g[KEY] ??= new Map();
  return g[KEY];
}

/** The logs of this node's service engines (one folder each under the data folder). */
function seLogs(root = path.join(dataDir(), "service-engines")): { access: string[]; vsErrors: string[] } {
  let names: string[];
  try {
    names = fs.readdirSync(root);
  } catch {
    return { access: [], vsErrors: [] };
  }
  const access: string[] = [];
  const vsErrors: string[] = [];
  for (const name of names) {
    const { accessLog, logsDir } = seLayout(path.join(root, name));
    if (fs.existsSync(accessLog)) access.push(accessLog);
    if (!fs.existsSync(logsDir)) continue;
    for (const f of fs.readdirSync(logsDir)) if (VS_ERROR_LOG.test(f)) vsErrors.push(path.join(logsDir, f));
  }
  return { access, vsErrors };
}

/** Complete lines appended since the last read; a rotated file (new inode, or shorter) starts over. */
function newLines(file: string): string[] {
  const stat = fs.statSync(file);
  const seen = cursors().get(file);
  const start = seen && seen.ino === stat.ino && seen.offset <= stat.size ? seen.offset : 0;
  const length = Math.min(READ_CAP, stat.size - start);
  if (length <= 0) return [];
  const buffer = Buffer.alloc(length);
  const fd = fs.openSync(file, "r");
  try {
    fs.readSync(fd, buffer, 0, length, start);
  } finally {
    fs.closeSync(fd);
  }
  const text = buffer.toString("utf8");
  const complete = text.lastIndexOf("\n") + 1;
  cursors().set(file, { ino: stat.ino, offset: start + Buffer.byteLength(text.slice(0, complete)) });
  return text.slice(0, complete).split("\n").filter(Boolean);
}

/** Counts one access line; false when it is not in the console's format (older config). */
export function countAccessLine(line: string): boolean {
  const match = LINE.exec(line);
  if (!match) return false;
  const [, protocol, reused, request, vs] = match as unknown as [string, string, string, string, string];
  const tls = protocol !== "-" && protocol !== "";
  const m = metrics();
  m.tlsRequests.inc({ virtual_service: vs, tls: String(tls) });
  if (tls && reused !== "r" && request === "1") m.tlsHandshakes.inc({ virtual_service: vs });
  return true;
}

/**
 * Adds what the SEs' logs gained since the last scrape to the per-VS counters: requests and full
 * handshakes from access.log, failed handshakes ("while SSL handshaking") from each VS's error
 * log. Only the first scrape reads a whole (capped) file; afterwards the new lines only.
 */
export function countNewLogLines(root?: string): void {
  const { access, vsErrors } = seLogs(root);
  const m = metrics();
  for (const file of access) {
    try {
      for (const line of newLines(file)) countAccessLine(line);
    } catch {
      // a log rotated away between listing and reading: read again next scrape
    }
  }
  for (const file of vsErrors) {
    const vs = VS_ERROR_LOG.exec(path.basename(file))![1]!;
    try {
      for (const line of newLines(file))
        if (line.includes("while SSL handshaking")) m.tlsErrors.inc({ virtual_service: vs });
    } catch {
      // as above
    }
  }
}
