import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { projectRoot } from "./install/project-root";
import { renderSystemdUnit } from "./install/systemd-unit";

const ROOT = path.resolve(import.meta.dirname, "../..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-unit-"));
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

function directives(unit: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const line of unit.split("\n")) {
    const at = line.indexOf("=");
    if (at < 1 || line.startsWith("#")) continue;
    const key = line.slice(0, at);
    map.set(key, [...(map.get(key) ?? []), line.slice(at + 1)]);
  }
  return map;
}

const systemdAnalyze = spawnSync("systemd-analyze", ["--version"]).status === 0;

describe("hsm-console service install", () => {
  const options = {
    root: "/opt/hsm-console",
    user: "root",
    dataDir: "/var/lib/hsm-console",
    envFile: "/etc/hsm-console/env",
    nodePath: "/usr/local/bin/node",
  };

  it("runs npm start's script as the user, with the data folder and env file, restarted on failure", () => {
    const d = directives(renderSystemdUnit(options));
    expect(d.get("User")).toEqual(["root"]);
    expect(d.get("WorkingDirectory")).toEqual(["/opt/hsm-console"]);
    expect(d.get("ExecStart")).toEqual(["/bin/bash /opt/hsm-console/scripts/start.sh"]);
    expect(d.get("Environment")).toEqual([
      "HSM_CONSOLE_DATA=/var/lib/hsm-console",
      "PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin",
    ]);
    expect(d.get("EnvironmentFile")).toEqual(["-/etc/hsm-console/env"]);
    expect(d.get("Restart")).toEqual(["on-failure"]);
    expect(d.get("WantedBy")).toEqual(["multi-user.target"]);
  });

  it("hardens what nginx service engines and HSM libraries allow", () => {
    const root = directives(renderSystemdUnit(options));
    expect(root.get("NoNewPrivileges")).toEqual(["yes"]);
    // A root console creates the SE users (useradd writes /etc): only /usr and /boot read-only.
    expect(root.get("ProtectSystem")).toEqual(["true"]);
    expect(root.get("ProtectHome")).toEqual(["yes"]);
    expect(root.get("PrivateTmp")).toEqual(["yes"]);
    for (const absent of ["MemoryDenyWriteExecute", "PrivateDevices", "ProtectClock", "DeviceAllow"])
      expect(root.has(absent), absent).toBe(false);
    const user = directives(
      renderSystemdUnit({ ...options, user: "hsm", dataDir: "/home/hsm/data", root: "/home/hsm/console" }),
    );
    expect(user.get("ProtectSystem")).toEqual(["full"]);
    expect(user.has("ProtectHome")).toBe(false);
  });

  it("quotes paths with spaces", () => {
    const d = directives(renderSystemdUnit({ ...options, dataDir: "/srv/hsm data" }));
    expect(d.get("Environment")![0]).toBe('"HSM_CONSOLE_DATA=/srv/hsm data"');
  });

  it("finds the project folder", () => {
    expect(projectRoot()).toBe(ROOT);
  });

  it.skipIf(!systemdAnalyze)("the written unit passes systemd-analyze verify", () => {
    const unitDir = path.join(work, "units");
    fs.mkdirSync(unitDir);
    const run = spawnSync(
      path.join(ROOT, "bin/hsm-console"),
      ["service", "install", "--user", "root", "--data", path.join(work, "data"), "--unit-dir", unitDir],
      { cwd: work, encoding: "utf8", env: { ...process.env, HOME: work, XDG_CONFIG_HOME: "" } },
    );
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    const file = path.join(unitDir, "hsm-console.service");
    expect(run.stdout).toContain(`Wrote ${file}`);
    const verify = spawnSync("systemd-analyze", ["verify", file], { encoding: "utf8" });
    expect(verify.stderr.split("\n").filter((l) => l.includes("hsm-console.service"))).toEqual([]);
    expect(verify.status).toBe(0);
    expect(execFileSync("cat", [file], { encoding: "utf8" })).toContain("ExecStart=/bin/bash");
  });
});
