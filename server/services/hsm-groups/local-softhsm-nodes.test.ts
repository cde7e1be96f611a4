import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { hsmGroups, localHsmTokens } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { ensureLocalHsm } from "./local-softhsm";

/** Node `name` sharing PostgreSQL (DATABASE_URL set; the test's own database is passed in). */
function becomeNode(name: string, dataDir: string): void {
  process.env.HSM_CONSOLE_DATA = dataDir;
  process.env.DATABASE_URL = "postgresql://cluster-node.invalid/db";
  process.env.HSM_CONSOLE_NODE_NAME = name;
  resetEnvForTests();
}

describe("Local-SoftHSM with several nodes: one token, row and group per node", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  const dirs: string[] = [];
  beforeAll(async () => {
    dirs.push(useTempDataDir());
    handle = await openTestDb();
  });
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    for (const key of ["DATABASE_URL", "HSM_CONSOLE_NODE_NAME"]) delete process.env[key];
    resetEnvForTests();
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  const groups = async () =>
    (await handle.db.select().from(hsmGroups).where(eq(hsmGroups.builtIn, true)))
      .map((g) => [g.name, g.nodeName])
      .sort();

  it("a single-node install keeps its plain group; the node holding its token claims it when nodes share the database", async () => {
    const single = await ensureLocalHsm(handle.db);
    expect(await groups()).toEqual([["Local-SoftHSM", null]]);
    await closeAllConnections();
    becomeNode("node-a", dirs[0]!);
    const a = await ensureLocalHsm(handle.db);
    expect(a).toMatchObject({ serial: single.serial, created: false, group: "Local-SoftHSM (node-a)" });
    expect(await groups()).toEqual([["Local-SoftHSM (node-a)", "node-a"]]);
  });

  it("another node makes its own token and group and never rewrites node-a's row", async () => {
    const [before] = await handle.db.select().from(localHsmTokens).where(eq(localHsmTokens.nodeName, "node-a"));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-console-node-b-"));
    dirs.push(other);
    becomeNode("node-b", other);
    await closeAllConnections();
    const b = await ensureLocalHsm(handle.db);
    expect(b).toMatchObject({ created: true, group: "Local-SoftHSM (node-b)" });
    expect(b.serial).not.toBe(before!.serial);
    expect(await groups()).toEqual([
      ["Local-SoftHSM (node-a)", "node-a"],
      ["Local-SoftHSM (node-b)", "node-b"],
    ]);
    const [after] = await handle.db.select().from(localHsmTokens).where(eq(localHsmTokens.nodeName, "node-a"));
    expect(after).toEqual(before);
    // Its next start changes nothing either.
    await closeAllConnections();
    expect(await ensureLocalHsm(handle.db)).toMatchObject({ created: false, serial: b.serial });
  });
});
