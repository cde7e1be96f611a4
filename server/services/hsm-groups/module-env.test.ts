import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { closeAllConnections, P11_KIT_CLIENT } from "@/server/pkcs11";
import {
  P11KitServer,
  type SoftHsmFixture,
  softHsmFixture,
  USER_PIN,
} from "@/server/pkcs11/testing/fixtures";
import { allowLibraryFolder, forgetAllowedFolders } from "@/server/testing/allow-libraries";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";

/**
 * A PKCS#11 module group whose library reads its configuration from the environment, as Luna's
 * libCryptoki2 does with ChrystokiConfigurationPath: p11-kit-client.so with P11_KIT_SERVER_ADDRESS
 * pointing at a p11-kit server over a SoftHSM token plays that library.
 */
describe("PKCS#11 module groups with a library environment", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let hsm: SoftHsmFixture;
  let upstream: P11KitServer;
  const caller = () => callerFor(handle.db, admin).caller;
  const fieldsOf = (error: unknown) => {
    const app = toAppError(error);
    const issues = (app.details?.issues as { field: string; message: string }[] | undefined) ?? [];
    return {
      fields: [app.field, ...issues.map((i) => i.field)],
      text: [app.message, ...issues.map((i) => i.message)].join(" "),
    };
  };

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "env-admin" });
    hsm = await softHsmFixture(["vendor"]);
    allowLibraryFolder(hsm.dir);
    upstream = new P11KitServer(path.join(hsm.dir, "vendor.sock"), hsm.confPath, "vendor");
    await upstream.start();
  }, 60_000);

  afterAll(async () => {
    forgetAllowedFolders();
    await closeAllConnections();
    await upstream?.kill();
    await handle?.close();
    await hsm?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("is created from the form's lines, shown as variables, and used by the console's own connection", async () => {
    const group = await caller().hsmGroups.create({
      name: "vendor-lib",
      type: "pkcs11-module",
      moduleLibrary: P11_KIT_CLIENT,
      moduleEnv: `# where the vendor client finds its appliance\nP11_KIT_SERVER_ADDRESS=unix:path=${upstream.socketPath}\n`,
      servers: [{ partition: "vendor", partitionPassword: USER_PIN }],
    });
    expect(group.moduleEnv).toEqual({ P11_KIT_SERVER_ADDRESS: `unix:path=${upstream.socketPath}` });
    const slots = await caller().hsmGroupActions.listSlots({ id: group.id });
    expect(slots.servers[0]!.error).toBeNull();
    expect(slots.servers[0]!.slots).toContainEqual(
      expect.objectContaining({ label: "vendor", status: "Present" }),
    );

    // Without the variable the same library finds no appliance: the environment is what made it work.
    const updated = await caller().hsmGroups.update({
      id: group.id,
      name: "vendor-lib",
      type: "pkcs11-module",
      moduleLibrary: P11_KIT_CLIENT,
      moduleEnv: "",
      servers: [{ id: group.servers[0]!.id, partition: "vendor" }],
    });
    expect(updated.moduleEnv).toBeNull();
    const none = await caller().hsmGroupActions.listSlots({ id: group.id });
    expect(none.servers[0]!.slots.map((s) => s.label)).not.toContain("vendor");
  }, 60_000);

  it("refuses variables that change how processes run, and malformed lines, on the field with the line", async () => {
    const base = {
      name: "bad-env",
      type: "pkcs11-module" as const,
      moduleLibrary: P11_KIT_CLIENT,
      servers: [{ partition: "vendor", partitionPassword: USER_PIN }],
    };
    const cases: [string, RegExp][] = [
      ["LD_PRELOAD=/tmp/evil.so", /Line 1: LD_PRELOAD changes how the console's processes run/],
      ["ChrystokiConfigurationPath=/etc\nPATH=/tmp", /Line 2: PATH changes how/],
      ["just-a-word", /Line 1: write NAME=value/],
      ["A=1\nA=2", /Line 2: A is set twice/],
    ];
    for (const [moduleEnv, message] of cases) {
      const error = await caller()
        .hsmGroups.create({ ...base, moduleEnv })
        .catch((e: unknown) => e);
      const { fields, text } = fieldsOf(error);
      expect(fields, moduleEnv).toContain("moduleEnv");
      expect(text).toMatch(message);
    }
    expect((await caller().hsmGroups.list()).map((g) => g.name)).not.toContain("bad-env");
  });
});
