import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import type { KeyFlags } from "@/lib/schemas/certificate";
import { closeAllConnections, SOFTHSM_LIBRARY } from "@/server/pkcs11";
import { type SoftHsmFixture, USER_PIN } from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { haGroup } from "./testing/groups";
import { settled } from "./testing/observe";

const run = promisify(execFile);
/**
 * Issue #13: every key flag the console shows (UI, API, CLI share certificates.keyHolders) is the
 * member's token's own, compared per member with `pkcs11-tool -O` and an independent PKCS#11
 * read; a replica is never shown "never extractable" when its token says otherwise, and keys on
 * a token that does not enforce the domain key's unwrap template are shown cloneable.
 */
describe("key flags shown per member are the token's", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  const fixtures: SoftHsmFixture[] = [];
  const caller = () => callerFor(handle.db, admin).caller;

  async function groupOver(name: string, labels: string[], templates: boolean): Promise<SoftHsmFixture> {
    const made = await haGroup(handle.db, admin.tenantId, name, labels, { templates });
    fixtures.push(made.hsm);
    return Object.assign(made.hsm, { groupId: made.id });
  }

  async function certificateIn(hsm: SoftHsmFixture, name: string) {
    const groupId = (hsm as SoftHsmFixture & { groupId: string }).groupId;
    const created = await caller().certificates.create({
      name,
      type: "self-signed",
      hsmGroupId: groupId,
      key: "EC-P-256",
      commonName: `${name}.example.com`,
      validityDays: 30,
    });
    const cert = await settled(handle.db, admin, created.id);
    expect(cert.status).toBe("active");
    return cert;
  }

  /** `pkcs11-tool -O` for one private key: its "Access:" words. */
  async function pkcs11ToolAccess(hsm: SoftHsmFixture, token: string, idHex: string): Promise<string[]> {
    const { stdout } = await run(
      "pkcs11-tool",
      [
        "--module",
        SOFTHSM_LIBRARY,
        "--token-label",
        token,
        "--login",
        "--pin",
        USER_PIN,
        "-O",
        "--type",
        "privkey",
        "--id",
        idHex,
      ],
      { env: { ...process.env, SOFTHSM2_CONF: hsm.confPath } },
    );
    const line = /Access:\s*(.*)/.exec(stdout)?.[1] ?? "";
    return line
      .split(",")
      .map((w) => w.trim())
      .filter(Boolean);
  }

  async function independentFlags(hsm: SoftHsmFixture, token: string, idHex: string): Promise<KeyFlags> {
    const script = path.join(process.cwd(), "lab/testing/p11-script.ts");
    const req = { op: "flags", module: SOFTHSM_LIBRARY, token, pin: USER_PIN, idHex };
    const { stdout } = await run(process.execPath, ["--import", "tsx", script, JSON.stringify(req)], {
      env: { ...process.env, SOFTHSM2_CONF: hsm.confPath },
    });
    return JSON.parse(stdout.trim().split("\n").pop()!) as KeyFlags;
  }

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "kf-admin" });
  }, 60_000);

  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    await Promise.all(fixtures.map((f) => f.cleanup()));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it("every member's flags equal pkcs11-tool -O and an independent read; the replica is not called never-extractable", async () => {
    const hsm = await groupOver("kf-ha", ["kf-1", "kf-2"], true);
    const cert = await certificateIn(hsm, "kf-web");
    const holders = await caller().certificates.keyHolders({ id: cert.id });
    expect(holders.members.map((m) => m.member).sort()).toEqual(["kf-1", "kf-2"]);
    for (const m of holders.members) {
      expect(m.holds).toBe(true);
      const flags = m.flags!;
      const access = await pkcs11ToolAccess(hsm, m.member, cert.keyIdHex!);
      expect({
        sensitive: access.includes("sensitive"),
        alwaysSensitive: access.includes("always sensitive"),
        extractable: access.includes("extractable"),
        neverExtractable: access.includes("never extractable"),
        local: access.includes("local"),
      }).toEqual({
        sensitive: flags.sensitive,
        alwaysSensitive: flags.alwaysSensitive,
        extractable: flags.extractable,
        neverExtractable: flags.neverExtractable,
        local: flags.local,
      });
      // pkcs11-tool does not print CKA_WRAP_WITH_TRUSTED: all six from an independent process.
      expect(await independentFlags(hsm, m.member, cert.keyIdHex!)).toEqual(flags);
      expect(m.cloneable).toBe(false);
    }
    const [source, replica] = [...holders.members].sort(
      (a, b) => Number(b.flags!.local) - Number(a.flags!.local),
    );
    expect(source!.flags).toMatchObject({ local: true, extractable: true, wrapWithTrusted: true });
    // The mislabel of the issue: a replica is unwrapped, so its token says NEVER_EXTRACTABLE false.
    expect(replica!.flags).toMatchObject({
      local: false,
      extractable: false,
      neverExtractable: false,
      alwaysSensitive: false,
    });
    expect(holders.cloneable).toBe(false);
  }, 120_000);

  it("on a token whose domain key does not enforce an unwrap template, the HA key is shown cloneable", async () => {
    const hsm = await groupOver("kf-weak", ["kw-1", "kw-2"], false);
    const cert = await certificateIn(hsm, "kf-weak-web");
    const holders = await caller().certificates.keyHolders({ id: cert.id });
    const source = holders.members.find((m) => m.flags?.local)!;
    const replica = holders.members.find((m) => m !== source)!;
    expect(source.cloneable).toBe(true);
    expect(replica.cloneable).toBe(false); // the copy itself is not extractable
    expect(holders.cloneable).toBe(true);
    expect(holders.cloneableMeaning).toMatch(/copy the key out of the HSM in plaintext/);
  }, 120_000);
});
