import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import type { RunAs } from "./process";

/**
 * Each service engine runs as its own system user (`hsmse-<name>`), created when the console runs
 * as root and removed with the SE: its PIN file, sockets and writable folders belong to it alone,
 * so one SE (or any other unprivileged process) can neither read another's partition password nor
 * sign through its sockets. Without root, SEs run as the console's own user (null).
 */
export function seUserName(seName: string): string {
  const clean = seName.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
  const name = `hsmse-${clean}`;
  if (name.length <= 32) return name;
  // Linux user names are at most 32 characters: keep a readable prefix and make it unique.
  const digest = createHash("sha256").update(seName).digest("hex").slice(0, 8);
  return `${name.slice(0, 23)}-${digest}`;
}

export function seUserFor(seName: string): RunAs | null {
  if (process.getuid?.() !== 0) return null;
  const user = seUserName(seName);
  if (!lookup(user)) {
    execFileSync(
      "useradd",
      [
        "--system",
        "--user-group",
        "--no-create-home",
        "--home-dir",
        "/nonexistent",
        "--shell",
        "/usr/sbin/nologin",
        user,
      ],
      { stdio: "ignore" },
    );
  }
  const found = lookup(user);
  if (!found) throw new Error(`The system user ${user} could not be created for service engine ${seName}`);
  return found;
}

/** Removes the SE's user and its group (after the SE stopped); an absent user is fine. */
export function removeSeUser(seName: string): void {
  if (process.getuid?.() !== 0) return;
  const user = seUserName(seName);
  if (!lookup(user)) return;
  try {
    execFileSync("userdel", [user], { stdio: "ignore" });
  } catch {
    // still running processes: the next removal of this SE name tries again
  }
}

function lookup(user: string): RunAs | null {
  try {
    const [, , uid, gid] = execFileSync("getent", ["passwd", user], { encoding: "utf8" }).trim().split(":");
    const group = execFileSync("getent", ["group", String(gid)], { encoding: "utf8" })
      .trim()
      .split(":")[0]!;
    return { user, group, uid: Number(uid), gid: Number(gid) };
  } catch {
    return null;
  }
}
