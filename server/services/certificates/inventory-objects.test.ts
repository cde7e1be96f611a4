import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { closeAllConnections, SOFTHSM_LIBRARY } from "@/server/pkcs11";
import { type SoftHsmFixture, USER_PIN } from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { keyIdHexFor, keyLabelFor, newCertificateId } from "./key-material";
import { haGroup } from "./testing/groups";

/**
 * The inventory sees every object class the console may make, not only private keys: a crash
 * inside C_GenerateKeyPair can leave a public key alone. Objects are written with pkcs11-tool
 * (OpenSC), an independent client, into the second member of an HA group.
 */
describe("key inventory: every object class", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let ha: { id: string; hsm: SoftHsmFixture };
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "io-admin" });
    ha = await haGroup(handle.db, admin.tenantId, "io-ha", ["io-1", "io-2"]);
  }, 60_000);
  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    await ha?.hsm.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  function pkcs11Tool(args: string[]): string {
    return execFileSync(
      "pkcs11-tool",
      ["--module", SOFTHSM_LIBRARY, "--token-label", "io-2", "--login", "--pin", USER_PIN, ...args],
      { env: { ...process.env, SOFTHSM2_CONF: ha.hsm.confPath }, encoding: "utf8", stdio: "pipe" },
    );
  }

  /** A console-style id two hours old: past the default grace period (one hour). */
  const oldId = () => keyIdHexFor(newCertificateId(Date.now() - 2 * 3600_000));

  it("shows a lone public key as an orphan, removable after the grace period, and removes it", async () => {
    const idHex = oldId();
    const der = path.join(ha.hsm.dir, "lone.der");
    const { publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    fs.writeFileSync(der, publicKey.export({ type: "spki", format: "der" }));
    pkcs11Tool(["--write-object", der, "--type", "pubkey", "--id", idHex, "--label", keyLabelFor("lone")]);

    const inventory = await caller().certificates.inventory({ hsmGroupId: ha.id });
    expect(inventory.complete).toBe(true);
    expect(inventory.keys.find((k) => k.idHex === idHex)).toMatchObject({
      label: "hsm-console:lone",
      kind: "orphan",
      objects: ["public-key"],
      members: ["io-2"],
      removable: true,
    });
    await caller().certificates.removeOrphan({ hsmGroupId: ha.id, idHex });
    expect(pkcs11Tool(["--list-objects"])).not.toContain("hsm-console:lone");
    const access = await openHsmGroup(handle.db, admin.tenantId, ha.id);
    expect(await access.members[1]!.client.listObjects(access.members[1]!.token, { idHex })).toEqual([]);
  }, 60_000);

  it("sees a secret key under the console's label and removes it with the rest of its id", async () => {
    const idHex = oldId();
    pkcs11Tool(["--keygen", "--key-type", "AES:32", "--id", idHex, "--label", keyLabelFor("aes")]);
    const inventory = await caller().certificates.inventory({ hsmGroupId: ha.id });
    expect(inventory.keys.find((k) => k.idHex === idHex)).toMatchObject({
      kind: "orphan",
      objects: ["secret-key"],
      removable: true,
    });
    await caller().certificates.removeOrphan({ hsmGroupId: ha.id, idHex });
    expect(pkcs11Tool(["--list-objects"])).not.toContain("hsm-console:aes");
  }, 60_000);

  it("leaves out objects of other applications that are not private keys", async () => {
    pkcs11Tool(["--keygen", "--key-type", "AES:32", "--id", "0badc0de", "--label", "someone-else"]);
    const inventory = await caller().certificates.inventory({ hsmGroupId: ha.id });
    expect(inventory.keys.map((k) => k.label)).not.toContain("someone-else");
    // The group's own cloning-domain key (a secret key without the console's prefix) is not listed either.
    expect(inventory.keys.filter((k) => k.objects.includes("secret-key"))).toEqual([]);
  }, 60_000);
});
