import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  findSystemLibrary,
  multiarchTriplet,
  P11_KIT_CLIENT_MODULE,
  PKCS11_ENGINE,
} from "./system-libraries";

const root = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-libs-"));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function place(file: string): void {
  fs.mkdirSync(path.join(root, path.dirname(file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), "");
}

describe("system library paths found at run time", () => {
  it("finds the engine and p11-kit's client module on this machine", () => {
    expect(fs.existsSync(PKCS11_ENGINE)).toBe(true);
    expect(fs.existsSync(P11_KIT_CLIENT_MODULE)).toBe(true);
  });

  it.skipIf(spawnSync("dpkg-architecture", ["--version"]).status !== 0)(
    "names the multiarch folder dpkg-architecture names",
    () => {
      const dpkg = spawnSync("dpkg-architecture", ["-qDEB_HOST_MULTIARCH"], {
        encoding: "utf8",
      }).stdout.trim();
      expect(multiarchTriplet()).toBe(dpkg);
      expect(P11_KIT_CLIENT_MODULE).toBe(`/usr/lib/${dpkg}/pkcs11/p11-kit-client.so`);
    },
  );

  it("uses the arm64 folder on arm64 and the x86_64 one on x86_64", () => {
    place("usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so");
    place("usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so");
    expect(findSystemLibrary("engines-3/pkcs11.so", { root, arch: "arm64" })).toBe(
      "/usr/lib/aarch64-linux-gnu/engines-3/pkcs11.so",
    );
    expect(findSystemLibrary("engines-3/pkcs11.so", { root, arch: "x64" })).toBe(
      "/usr/lib/x86_64-linux-gnu/engines-3/pkcs11.so",
    );
  });

  it("falls back to /usr/lib and /usr/lib64, and names the expected path when nothing is there", () => {
    place("usr/lib64/pkcs11/p11-kit-client.so");
    expect(findSystemLibrary("pkcs11/p11-kit-client.so", { root, arch: "arm64" })).toBe(
      "/usr/lib64/pkcs11/p11-kit-client.so",
    );
    expect(findSystemLibrary("pkcs11/missing.so", { root, arch: "arm64" })).toBe(
      "/usr/lib/aarch64-linux-gnu/pkcs11/missing.so",
    );
  });
});
