import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { resetEnvForTests } from "@/server/config/env";
import {
  closeAllConnections,
  createSoftHsmEnvironment,
  initSoftHsmToken,
  listConnections,
  SOFTHSM_LIBRARY,
} from "@/server/pkcs11";
import { poll } from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** PKCS#11 worker processes live as long as their group, and not longer than they are used. */
describe("workers reaped", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let sec: SessionUser;
  let confPath: string;
  const caller = () => callerFor(handle.db, sec).caller;
  const group = (name: string) =>
    caller().hsmGroups.create({
      name,
      type: "pkcs11-module",
      moduleLibrary: SOFTHSM_LIBRARY,
      moduleEnv: `SOFTHSM2_CONF=${confPath}`,
      servers: [{ partition: "reaped", partitionPassword: "user-pin" }],
    });
  /** Uses the group (List slots starts its worker) and returns the worker's pid. */
  const workerOf = async (id: string) => {
    const slots = await caller().hsmGroupActions.listSlots({ id });
    expect(slots.servers[0]!.error).toBeNull();
    const pid = listConnections().find((c) => c.spec.group === id)?.workerPid;
    expect(pid).toBeDefined();
    return pid!;
  };

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    sec = await seedUser(handle.db, { username: "sec-reaper", role: "security-admin" });
    ({ confPath } = await createSoftHsmEnvironment(path.join(dataDir, "tokens")));
    await initSoftHsmToken({ confPath, label: "reaped", soPin: "so-pin", userPin: "user-pin" });
  }, 60_000);

  afterAll(async () => {
    delete process.env.HSM_CONSOLE_WORKER_IDLE_SECONDS;
    delete process.env.HSM_CONSOLE_MAX_HSM_WORKERS;
    resetEnvForTests();
    await closeAllConnections();
    await handle?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("creates and deletes 50 groups and leaves no worker process", async () => {
    const pids: number[] = [];
    for (let i = 0; i < 50; i++) {
      const { id } = await group(`reaped-${i}`);
      pids.push(await workerOf(id));
      await caller().hsmGroups.remove({ id });
    }
    expect(new Set(pids).size).toBe(50);
    expect(pids.filter(alive)).toEqual([]);
    expect(listConnections().filter((c) => c.spec.group)).toEqual([]);
  }, 600_000);

  it("stops a changed group's worker", async () => {
    const created = await group("changed");
    const pid = await workerOf(created.id);
    await caller().hsmGroups.update({
      id: created.id,
      name: "changed-renamed",
      type: "pkcs11-module",
      moduleLibrary: SOFTHSM_LIBRARY,
      moduleEnv: `SOFTHSM2_CONF=${confPath}`,
      servers: [{ id: created.servers[0]!.id, partition: "reaped" }],
    });
    expect(alive(pid)).toBe(false);
    // The group works on with a new worker (its stored password logs it in again).
    expect(await workerOf(created.id)).not.toBe(pid);
    await caller().hsmGroups.remove({ id: created.id });
  }, 60_000);

  it("stops idle workers after the configured time, and refuses workers beyond the cap", async () => {
    process.env.HSM_CONSOLE_WORKER_IDLE_SECONDS = "1";
    process.env.HSM_CONSOLE_MAX_HSM_WORKERS = "2";
    resetEnvForTests();
    const idle = await group("idle");
    const pid = await workerOf(idle.id);
    await poll(() => !alive(pid), 60_000, 100);
    // Used again: a new worker starts.
    expect(await workerOf(idle.id)).not.toBe(pid);
    await caller().hsmGroups.remove({ id: idle.id });
    process.env.HSM_CONSOLE_WORKER_IDLE_SECONDS = "0";
    resetEnvForTests();
    for (const name of ["first", "second"]) await workerOf((await group(name)).id);
    const third = await group("third");
    const refused = await caller().hsmGroupActions.listSlots({ id: third.id });
    expect(refused.servers[0]!.error).toMatch(
      /maximum of 2 HSM worker processes.*HSM_CONSOLE_MAX_HSM_WORKERS/,
    );
  }, 120_000);
});
