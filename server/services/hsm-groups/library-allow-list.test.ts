import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { LIBRARY_LIST_FILE } from "@/server/config/pkcs11-libraries";
import {
  closeAllConnections,
  createSoftHsmEnvironment,
  initSoftHsmToken,
  listConnections,
  P11_KIT_CLIENT,
  SOFTHSM_LIBRARY,
} from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";

/** Which PKCS#11 libraries the console loads, and with what environment, is the host's decision. */
describe("the installation's PKCS#11 library allow-list", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let sec: SessionUser;
  let confPath: string;
  const caller = () => callerFor(handle.db, sec).caller;
  const refusal = async (run: () => Promise<unknown>) => {
    const app = toAppError(
      await run().then(
        () => null,
        (e: unknown) => e,
      ),
    );
    return { field: app.field, message: app.message };
  };
  const moduleGroup = (name: string, moduleLibrary: string, moduleEnv = "") => ({
    name,
    type: "pkcs11-module" as const,
    moduleLibrary,
    moduleEnv,
    servers: [{ partition: "allowed", partitionPassword: "user-pin-1" }],
  });

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    sec = await seedUser(handle.db, { username: "sec-lib", tenant: "tenant-lib", role: "security-admin" });
    ({ confPath } = await createSoftHsmEnvironment(path.join(dataDir, "tokens")));
    await initSoftHsmToken({ confPath, label: "allowed", soPin: "so-pin-1", userPin: "user-pin-1" });
  }, 60_000);

  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a library outside the list with the same answer whether or not the file exists", async () => {
    const existing = await refusal(() => caller().hsmGroups.create(moduleGroup("etc-passwd", "/etc/passwd")));
    const missing = await refusal(() =>
      caller().hsmGroups.create(moduleGroup("no-file", "/usr/lib/no-such-dir/libnothing.so")),
    );
    const folder = await refusal(() => caller().hsmGroups.create(moduleGroup("a-folder", "/usr/lib")));
    expect(existing.field).toBe("moduleLibrary");
    expect(existing.message).toMatch(/does not allow that PKCS#11 library/);
    expect(missing).toEqual(existing);
    expect(folder).toEqual(existing);
    expect(existing.message).not.toContain("/etc/passwd");
  });

  it("offers the declared libraries, SoftHSM2 and p11-kit-client by default, and no call extends them", async () => {
    const offered = await caller().hsmGroups.libraries();
    expect(offered.map((l) => l.path)).toEqual([SOFTHSM_LIBRARY, P11_KIT_CLIENT]);
    expect(offered[0]!.envNames).toEqual(["SOFTHSM2_CONF"]);
    // The host declares another one in the data folder: offered and accepted after that.
    const vendor = "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so";
    fs.writeFileSync(
      path.join(dataDir, LIBRARY_LIST_FILE),
      JSON.stringify({ libraries: [{ path: vendor, label: "Vendor", env: { SOFTHSM2_CONF: [dataDir] } }] }),
    );
    expect((await caller().hsmGroups.libraries()).map((l) => l.path)).toContain(vendor);
    fs.rmSync(path.join(dataDir, LIBRARY_LIST_FILE));
  });

  it("takes only the declared variables, pointing into the declared folders", async () => {
    const cases: [string, RegExp][] = [
      ["SOFTHSM2_CONF=/etc/shadow", /SOFTHSM2_CONF must be an absolute path .* inside/],
      [`SOFTHSM2_CONF=${dataDir}/../../etc/shadow`, /SOFTHSM2_CONF must be an absolute path/],
      ["SOFTHSM2_CONF=relative/softhsm2.conf", /SOFTHSM2_CONF must be an absolute path/],
      [`GCONV_PATH=${dataDir}`, /GCONV_PATH is not a variable .*allowed: SOFTHSM2_CONF/],
      [`GLIBC_TUNABLES=glibc.malloc.check=3`, /GLIBC_TUNABLES is not a variable/],
      [`TMPDIR=${dataDir}`, /TMPDIR is not a variable/],
      [`P11_KIT_SERVER_ADDRESS=unix:path=${dataDir}/x.sock`, /P11_KIT_SERVER_ADDRESS is not a variable/],
    ];
    for (const [env, message] of cases) {
      const { field, message: text } = await refusal(() =>
        caller().hsmGroups.create(moduleGroup("bad-env", SOFTHSM_LIBRARY, env)),
      );
      expect(field, env).toBe("moduleEnv");
      expect(text, env).toMatch(message);
    }
    // A symbolic link inside the folder does not lead out of it.
    fs.symlinkSync("/etc", path.join(dataDir, "escape"));
    const linked = await refusal(() =>
      caller().hsmGroups.create(
        moduleGroup("linked", SOFTHSM_LIBRARY, `SOFTHSM2_CONF=${dataDir}/escape/shadow`),
      ),
    );
    expect(linked.field).toBe("moduleEnv");
    expect((await caller().hsmGroups.list()).map((g) => g.name)).not.toContain("bad-env");
  });

  it("starts the worker from a minimal environment, not the console's", async () => {
    process.env.HSM_CONSOLE_CANARY = "console-only";
    const group = await caller().hsmGroups.create(
      moduleGroup("minimal-env", SOFTHSM_LIBRARY, `SOFTHSM2_CONF=${confPath}`),
    );
    const tested = await caller().hsmGroupActions.testConnection({ id: group.id });
    expect(tested.ok).toBe(true);
    const worker = listConnections().find((c) => c.spec.group === group.id);
    const environ = fs.readFileSync(`/proc/${worker!.workerPid}/environ`, "utf8").split("\0").filter(Boolean);
    const names = environ.map((line) => line.split("=")[0]);
    expect(environ).toContain(`SOFTHSM2_CONF=${confPath}`);
    expect(names).not.toContain("HSM_CONSOLE_CANARY");
    expect(names).not.toContain("HSM_CONSOLE_DATA");
    expect(names).not.toContain("HOME");
    // The library's own variable, the worker's settings and Node's IPC channel: nothing else.
    const allowed = new Set(["PATH", "NODE_ENV", "SOFTHSM2_CONF", "UV_THREADPOOL_SIZE"]);
    const extra = names.filter((n) => !allowed.has(n!) && !/^(HSM_PKCS11_|NODE_CHANNEL_)/.test(n!));
    expect(extra).toEqual([]);
    delete process.env.HSM_CONSOLE_CANARY;
  }, 60_000);
});
