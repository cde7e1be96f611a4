import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadMasterKey } from "@/server/crypto/master-key";
import { setDbHandleForTests } from "@/server/db";
import { consoleWebRoute } from "@/server/http/web-routes";
import { type ConsoleServer, createConsoleServer } from "@/server/http/console-server";
import { ensureConsoleTls } from "@/server/http/tls/console-certificate";
import { createApiToken } from "@/server/services/api-tokens/create-api-token";
import { masterKeyFingerprint } from "@/server/services/backup/master-key-file";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";

/**
 * `hsm-console backup` against the console's own HTTPS listener (in this process, serving the
 * backup route), then `hsm-console restore` on the host into a new data folder: both as the real
 * CLI process.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
const HOST = "127.0.170.2";

describe("hsm-console backup and restore", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let server: ConsoleServer;
  let data: string;
  let token = "";
  let base = "";
  let pin = "";
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cli-backup-"));
  const archive = path.join(work, "console.tar.gz");
  const keyFile = path.join(work, "master.key");
  const restored = path.join(work, "restored-data");

  beforeAll(async () => {
    data = useTempDataDir();
    loadMasterKey(); // a console makes it at its first start (the local token's PINs)
    handle = await openTestDb();
    setDbHandleForTests(handle);
    const admin = await seedUser(handle.db, { username: "cli-backup-admin" });
    const actor = { ...admin, userId: admin.id, address: null };
    token = (await createApiToken(handle.db, actor, { name: "cli", role: "admin", expiresInDays: 1 })).secret;
    const tls = await ensureConsoleTls();
    pin = tls.fingerprint; // pinned: the self-signed certificate does not name this test address
    server = createConsoleServer({
      certPem: tls.certPem,
      keyPem: tls.keyPem,
      trustProxy: false,
      handle: (_req, res) => {
        res.statusCode = 404;
        res.end();
      },
      webRoutes: consoleWebRoute,
    });
    await new Promise<void>((resolve) => server.listener.listen(0, HOST, resolve));
    const { port } = server.listener.address() as { port: number };
    base = `https://${HOST}:${port}`;
  }, 60_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    setDbHandleForTests(undefined);
    await handle?.close();
    for (const dir of [data, work]) fs.rmSync(dir, { recursive: true, force: true });
  });

  function cli(
    args: string[],
    credentials = true,
  ): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const login = credentials ? ["--controller", base, "--token", token, "--fingerprint", pin] : [];
    const child = spawn(path.join(ROOT, "bin/hsm-console"), [...login, ...args], {
      cwd: work,
      env: {
        ...process.env,
        HOME: work,
        XDG_CONFIG_HOME: "",
        HSM_CONSOLE_TOKEN: "",
        HSM_CONSOLE_CONTROLLER: "",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  }

  it("backup FILE --with-master-key KEYFILE writes the archive and, apart, the key the archive names", async () => {
    const run = await cli(["backup", archive, "--with-master-key", keyFile]);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    const fingerprint = masterKeyFingerprint(loadMasterKey());
    expect(run.stdout).toContain(`needs the master key with fingerprint ${fingerprint}`);
    expect(fs.statSync(archive).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(keyFile, "utf8").trim()).toBe(loadMasterKey().toString("base64"));
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = await cli(["backup", archive]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/exists: choose a new file name/);
  }, 120_000);

  it("restore refuses without the master key, naming the one needed, and restores with it", async () => {
    const fingerprint = masterKeyFingerprint(loadMasterKey());
    const withoutKey = await cli(["restore", archive, "--data", restored], false);
    expect(withoutKey.code).toBe(1);
    expect(withoutKey.stderr).toContain(`needs the master key with fingerprint ${fingerprint}`);
    expect(fs.existsSync(restored)).toBe(false);

    const run = await cli(["restore", archive, "--data", restored, "--master-key", keyFile], false);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/by cli-backup-admin/);
    expect(fs.readFileSync(path.join(restored, "master.key"), "utf8")).toBe(fs.readFileSync(keyFile, "utf8"));
    expect(fs.readFileSync(path.join(restored, "tls", "console.key"), "utf8")).toBe(
      fs.readFileSync(path.join(data, "tls", "console.key"), "utf8"),
    );
    const db = await PGlite.create(path.join(restored, "pgdata"));
    const { rows } = await db.query<{ actor_name: string }>(
      "select actor_name from audit_log where action = 'backup.restore'",
    );
    const users = await db.query("select 1 from users where username = 'cli-backup-admin'");
    await db.close();
    expect(rows.map((r) => r.actor_name)).toEqual([`local:${os.userInfo().username}`]);
    expect(users.rows).toHaveLength(1);

    const over = await cli(["restore", archive, "--data", restored, "--master-key", keyFile], false);
    expect(over.code).toBe(1);
    expect(over.stderr).toMatch(/is not empty.*--force/);

    fs.writeFileSync(path.join(restored, "marker"), "the folder before");
    const forced = await cli(
      ["restore", archive, "--data", restored, "--master-key", keyFile, "--force", "--json"],
      false,
    );
    expect(forced.code).toBe(0);
    const previous = JSON.parse(forced.stdout).previous as string;
    expect(previous).toMatch(/restored-data\.before-restore-/);
    expect(fs.readFileSync(path.join(previous, "marker"), "utf8")).toBe("the folder before");
    expect(fs.existsSync(path.join(restored, "marker"))).toBe(false);
    expect(fs.existsSync(path.join(restored, "pgdata"))).toBe(true);
  }, 240_000);

  it("backup --offline takes the backup of a stopped console's data folder on the host", async () => {
    const out = path.join(work, "offline.tar.gz");
    const run = await cli(["backup", out, "--offline", "--data", restored], false);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      `needs the master key with fingerprint ${masterKeyFingerprint(loadMasterKey())}`,
    );
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", out, "manifest.json"], { encoding: "utf8" }));
    expect(manifest.createdBy).toBe(`local:${os.userInfo().username}`);
    expect(manifest.masterKey.fingerprint).toBe(masterKeyFingerprint(loadMasterKey()));
  }, 120_000);
});
