import { execFileSync } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { loadMasterKey } from "@/server/crypto/master-key";
import { resetMasterKeyForTests } from "@/server/crypto/secrets";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { type DbHandle, openDb } from "@/server/db/client";
import { forgetLogins } from "@/server/hsm/hsm-access";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { useTempDataDir } from "@/server/testing/test-env";
import { localGroup } from "../certificates/testing/groups";
import { settled } from "../certificates/testing/observe";
import { ensureLocalHsm } from "../hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "../service-engines/bootstrap";
import { setSupervisor } from "../service-engines/supervisor-registry";
import type { SeSupervisor } from "../service-engines/supervisor";
import { randomPort, servedFingerprint, testSupervisor } from "../service-engines/testing/fixtures";
import { createBackup } from "./create-backup";
import { readMasterKeyFile, writeMasterKeyFile } from "./master-key-file";
import { restoreBackup } from "./restore-backup";

/**
 * The restore drill, with real parts: a console data folder (PGlite on disk, Local-SoftHSM token,
 * master key) whose virtual service serves TLS through nginx with a key in the token → backup →
 * the data folder wiped → restore → the same VS serves the same certificate, and Test key signs.
 */
describe("restore drill: backup, wipe, restore, the same VS serves the same certificate", () => {
  let data: string;
  let handle: DbHandle;
  let admin: SessionUser;
  let supervisor: SeSupervisor;
  let echo: EchoServer;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-drill-"));
  const archive = path.join(work, "console.tar.gz");
  const keyFile = path.join(work, "master.key");
  const vip = `127.0.170.${10 + Math.floor(Math.random() * 200)}`;
  const port = randomPort();
  let certId = "";
  let fingerprint = "";
  const caller = () => callerFor(handle.db, admin).caller;

  async function openConsole(): Promise<void> {
    handle = await openDb({ pgliteDir: path.join(data, "pgdata") });
    await ensureLocalHsm(handle.db);
    await ensureDefaultSeGroup(handle.db);
    supervisor = testSupervisor(handle.db);
    await supervisor.start();
  }

  async function stopConsole(): Promise<void> {
    await supervisor?.stopAll();
    setSupervisor(null);
    await closeAllConnections();
    // A new process would start with no remembered logins: the test's second console is one.
    forgetLogins();
    await handle?.close();
  }

  beforeAll(async () => {
    data = useTempDataDir();
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
    await openConsole();
    admin = await seedUser(handle.db, { username: "drill-admin" });
  }, 120_000);

  afterAll(async () => {
    await stopConsole();
    await echo?.close();
    fs.rmSync(data, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it("serves a certificate whose key is in Local-SoftHSM", async () => {
    const local = await localGroup(handle.db);
    const [seGroup] = await caller().serviceEngineGroups.list();
    await caller().serviceEngineGroups.update({ id: seGroup!.id, hsmGroupId: local.id });
    await caller().serviceEngines.restart({ id: seGroup!.serviceEngines[0]!.id });
    const created = await caller().certificates.create({
      name: "drill-cert",
      type: "self-signed",
      hsmGroupId: local.id,
      key: "EC-P-256",
      commonName: "drill.example",
      dnsNames: ["drill.example"],
      validityDays: 30,
    });
    const cert = await settled(handle.db, admin, created.id);
    certId = cert.id;
    fingerprint = new X509Certificate(cert.certificatePem!).fingerprint256;
    const vs = await caller().virtualServices.create({
      name: "drill-vs",
      vip,
      ports: [{ port, ssl: true }],
      certificateId: cert.id,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId: seGroup!.id,
    });
    expect(vs).toMatchObject({ state: "up" });
    expect(await servedFingerprint(vip, port, "drill.example")).toBe(fingerprint);
  }, 180_000);

  it("backs up into one archive without the master key, and exports the key only into its own file", async () => {
    const key = loadMasterKey();
    const manifest = await createBackup({
      handle,
      dataDir: data,
      masterKey: key,
      createdBy: "drill-admin",
      out: archive,
      consoleVersion: "test",
    });
    writeMasterKeyFile(keyFile, key);
    expect(fs.statSync(archive).mode & 0o077).toBe(0);
    expect(fs.statSync(keyFile).mode & 0o077).toBe(0);
    expect(manifest.database).toMatchObject({ kind: "pglite", file: "database/pglite.tar.gz" });
    expect(manifest.localTokens.map((t) => t.label)).toEqual(["hsm-console-local"]);
    expect(
      manifest.files.some((f) => f.path.startsWith("softhsm/tokens/") && f.path.endsWith(".object")),
    ).toBe(true);
    const listing = execFileSync("tar", ["-tzf", archive], { encoding: "utf8" });
    expect(listing).not.toMatch(/master\.key/);
    // Neither the key's bytes nor the console's TLS key in clear anywhere in the archive.
    const raw = execFileSync("tar", ["-xzOf", archive], { maxBuffer: 1 << 30 });
    expect(raw.includes(key.toString("base64"))).toBe(false);
    expect(raw.includes(Buffer.from("PRIVATE KEY"))).toBe(false);
  }, 120_000);

  it("refuses to restore over the live data folder, and with the wrong master key names the one needed", async () => {
    const key = readMasterKeyFile(keyFile);
    await expect(
      restoreBackup({ archive, dataDir: data, masterKey: key, masterKeyFromEnv: false, force: false }),
    ).rejects.toThrow(/is not empty/);
    const elsewhere = path.join(work, "other-data");
    const wrong = Buffer.alloc(32, 7);
    const needed = JSON.parse(execFileSync("tar", ["-xzOf", archive, "manifest.json"], { encoding: "utf8" }))
      .masterKey.fingerprint;
    await expect(
      restoreBackup({ archive, dataDir: elsewhere, masterKey: wrong, masterKeyFromEnv: false, force: false }),
    ).rejects.toThrow(`needs the master key with fingerprint ${needed}`);
    await expect(
      restoreBackup({ archive, dataDir: elsewhere, masterKey: null, masterKeyFromEnv: false, force: false }),
    ).rejects.toThrow(`needs the master key with fingerprint ${needed}`);
    expect(fs.existsSync(elsewhere)).toBe(false);
  }, 120_000);

  it("after the data folder is wiped and restored, the VS serves the same certificate and Test key signs", async () => {
    await stopConsole();
    fs.rmSync(data, { recursive: true, force: true });
    await expect(servedFingerprint(vip, port, "drill.example")).rejects.toThrow();

    const restored = await restoreBackup({
      archive,
      dataDir: data,
      masterKey: readMasterKeyFile(keyFile),
      masterKeyFromEnv: false,
      force: false,
    });
    expect(restored.previous).toBeNull();
    resetMasterKeyForTests();
    await openConsole();

    expect(await servedFingerprint(vip, port, "drill.example")).toBe(fingerprint);
    const tested = await caller().certificates.testKey({ id: certId });
    expect(tested.results.length).toBeGreaterThan(0);
    expect(tested.results.map((r) => [r.member, r.ok, r.detail])).toEqual([
      ["hsm-console-local", true, expect.stringMatching(/^Signed with .* and verified/)],
    ]);
  }, 240_000);
});
