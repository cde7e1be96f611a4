import { createHash } from "node:crypto";
import { execFileSync } from "node:child_process";
import type { RunAs } from "./process";

/**
 * Service engines run as a system user of their own SE group (`hsmse-<group>`), created when the
 * console runs as root: PIN files, sockets and writable folders belong to it alone, so an SE of
 * another group (or any other unprivileged process) can neither read its partition password nor
 * sign through its sockets. The SEs of one group share the user: they listen on the same VIPs with
 * SO_REUSEPORT, which the kernel allows for one uid only, and they hold the same HSM group's
 * password anyway. SE names are `se-N` (Default-Group) or `<group>-se-N`. Without root, SEs run as
 * the console's own user (null).
 */
export function seUserName(seName: string): string {
  const group = seName.replace(/-?se-\d+$/, "") || "default-group";
  const clean = group.toLowerCase().replace(/[^a-z0-9_-]/g, "-");
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

/** Removes an SE group's user and its group (after its SEs stopped); an absent user is fine. */
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
