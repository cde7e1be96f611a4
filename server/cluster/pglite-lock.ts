import fs from "node:fs";

/**
 * Start time of a live process (clock ticks since boot), to tell a live holder from a reused pid;
 * null when there is none (a killed process not yet reaped, state Z, holds nothing either).
 */
function startTicks(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    if (fields[0] === "Z" || fields[0] === "X") return null;
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

interface Holder {
  pid: number;
  started: string | null;
  since: string;
}

function readHolder(file: string): Holder | null {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8")) as Holder;
  } catch {
    return null; // half-written or unreadable: its writer died while writing
  }
}

function alive(holder: Holder): boolean {
  const started = startTicks(holder.pid);
  return started !== null && (holder.started === null || holder.started === started);
}

/**
 * PGlite is one process's database: a second process opening the same folder would corrupt it.
 * The folder's lock file holds the owner's pid and start time; a lock whose process is gone (or
 * whose pid now belongs to another process) is stale and taken over.
 */
export function lockPgliteFolder(dir: string): { release(): void } {
  const file = `${dir}.lock`;
  const me: Holder = { pid: process.pid, started: startTicks(process.pid), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, JSON.stringify(me), { flag: "wx", mode: 0o600 });
      return {
        release() {
          if (readHolder(file)?.pid === me.pid) fs.rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = readHolder(file);
    if (holder && alive(holder))
      throw new Error(
        `The embedded database in ${dir} is in use by another console process (pid ${holder.pid}, since ${holder.since}). ` +
          "PGlite serves one process only: stop that process first, or run several console nodes on PostgreSQL (DATABASE_URL).",
      );
    fs.rmSync(file, { force: true });
  }
  throw new Error(`The lock file ${file} could not be taken: remove it if no console runs on this folder.`);
}
