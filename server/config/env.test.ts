import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { env } from "./env";

const SET = [
  "HSM_OP_TIMEOUT_MS",
  "HSM_CONSOLE_ORPHAN_GRACE_SECONDS",
  "SOFTHSM2_LIBRARY",
  "LAB_APPLIANCES",
  "HSM_PKCS11_DEBUG",
];
const saved = Object.fromEntries(SET.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of SET) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("settings read through server/config", () => {
  it.each([
    ["HSM_OP_TIMEOUT_MS", "abc"],
    ["HSM_CONSOLE_ORPHAN_GRACE_SECONDS", "-5"],
    ["SOFTHSM2_LIBRARY", "libsofthsm2.so"],
    ["LAB_APPLIANCES", "many"],
    ["HSM_PKCS11_DEBUG", "yes"],
  ])("a wrong %s (%s) is refused, naming the variable", (name, value) => {
    process.env[name] = value;
    expect(() => env()).toThrow(new RegExp(`Invalid environment:[\\s\\S]*${name}`));
  });

  it("reads the values, defaults when unset or blank, and again when they change", () => {
    delete process.env.HSM_OP_TIMEOUT_MS;
    process.env.LAB_APPLIANCES = "";
    expect(env().HSM_OP_TIMEOUT_MS).toBe(10_000);
    expect(env().LAB_APPLIANCES).toBe(2);
    process.env.HSM_OP_TIMEOUT_MS = "2500";
    process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS = "0";
    expect(env().HSM_OP_TIMEOUT_MS).toBe(2500);
    expect(env().HSM_CONSOLE_ORPHAN_GRACE_SECONDS).toBe(0);
  });

  it("a wrong value stops the start before anything is made, naming the variable", () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-env-"));
    const data = path.join(parent, "data");
    try {
      const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/launch.ts"], {
        env: { ...process.env, HSM_CONSOLE_DATA: data, LAB_APPLIANCES: "0", HSM_OP_TIMEOUT_MS: "abc" },
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(/HSM_OP_TIMEOUT_MS/);
      expect(fs.existsSync(data)).toBe(false);
    } finally {
      fs.rmSync(parent, { recursive: true, force: true });
    }
  });
});
