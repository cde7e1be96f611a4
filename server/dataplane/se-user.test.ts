import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { initSoftHsmToken } from "@/server/pkcs11";
import { createSoftHsmEnvironment } from "@/server/pkcs11/softhsm";
import { prepareFolders, writePin } from "./files";
import { seLayout } from "./layout";
import { runCommand } from "./process";
import { removeSeUser, seUserFor, seUserName } from "./se-user";
import type { ServiceEngineSpec } from "./types";

const root = process.getuid?.() === 0;
const dir = mkdtempSync(path.join(tmpdir(), "se-user-"));
chmodSync(dir, 0o755);
const names = ["isoalpha-se-1", "isobeta-se-1"];

describe("each service engine group its own system user", () => {
  afterAll(() => {
    for (const name of names) removeSeUser(name);
    rmSync(dir, { recursive: true, force: true });
  });

  it.skipIf(!root)(
    "an SE's PIN file is unreadable by another group's SE user; the user can be removed",
    async () => {
      const [alpha, beta] = names.map((name) => seUserFor(name)!);
      expect(alpha!.uid).not.toBe(beta!.uid);
      expect([alpha!.user, beta!.user]).not.toContain("nobody");
      const spec = { name: names[0], dataDir: path.join(dir, names[0]!), hsm: { pin: "alpha-partition-pw" } };
      prepareFolders(spec as unknown as ServiceEngineSpec, alpha!);
      writePin(spec as unknown as ServiceEngineSpec, alpha!);
      const pinFile = seLayout(spec.dataDir).pinFile;
      const readAs = (runAs: typeof alpha) =>
        runCommand("cat", [pinFile], { env: { PATH: "/usr/bin:/bin" }, timeoutMs: 10_000, runAs });
      expect((await readAs(alpha)).stdout).toBe("alpha-partition-pw");
      const refused = await readAs(beta);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/Permission denied/);
      removeSeUser(names[0]!);
      expect(() => execFileSync("getent", ["passwd", seUserName(names[0]!)])).toThrow();
    },
  );

  it("names users within Linux's 32 characters, one per SE group", () => {
    expect(seUserName("se-1")).toBe("hsmse-default-group");
    expect(seUserName("web-se-2")).toBe(seUserName("web-se-1"));
    expect(seUserName("web-se-1")).toBe("hsmse-web");
    const long = seUserName("a-very-long-service-engine-group-name-se-12");
    expect(long.length).toBeLessThanOrEqual(32);
    expect(long).not.toBe(seUserName("a-very-long-service-engine-group-name-other-se-1"));
  });

  it("initialises SoftHSM tokens without a PIN on any command line", async () => {
    // A softhsm2-util first on PATH records its arguments: the PINs must never be among them.
    const bin = path.join(dir, "bin");
    const record = path.join(dir, "argv.txt");
    execFileSync("mkdir", ["-p", bin]);
    writeFileSync(
      path.join(bin, "softhsm2-util"),
      `#!/bin/sh\necho "$@" >> ${record}\nexec /usr/bin/softhsm2-util "$@"\n`,
      { mode: 0o755 },
    );
    const savedPath = process.env.PATH;
    process.env.PATH = `${bin}:${savedPath}`;
    try {
      const { confPath } = await createSoftHsmEnvironment(path.join(dir, "softhsm"));
      const { serial } = await initSoftHsmToken({
        confPath,
        label: "no-argv-pin",
        soPin: "so-pin-on-argv?",
        userPin: "user-pin-on-argv?",
      });
      expect(serial).toMatch(/^[0-9a-f]{16}$/);
    } finally {
      process.env.PATH = savedPath;
    }
    const argv = (() => {
      try {
        return readFileSync(record, "utf8");
      } catch {
        return "";
      }
    })();
    expect(argv).not.toMatch(/pin-on-argv/);
  }, 60_000);
});
