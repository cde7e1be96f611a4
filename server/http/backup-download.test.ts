import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { loadMasterKey } from "@/server/crypto/master-key";
import { setDbHandleForTests } from "@/server/db";
import { auditLog } from "@/server/db/schema";
import { createSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { masterKeyFingerprint } from "@/server/services/backup/master-key-file";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { BACKUP_PATH, handleBackupDownload, MASTER_KEY_HEADER } from "./backup-download";

const ORIGIN = "https://console.test";

describe("POST /api/fileservice/backup (Administration > Backup)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  const cookies: Record<string, string> = {};
  const people: Record<string, SessionUser> = {};
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-backup-http-"));

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = ORIGIN;
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    const users = {
      admin: await seedUser(handle.db, { username: "backup-admin" }),
      security: await seedUser(handle.db, { username: "backup-sec", role: "security-admin" }),
      otherAdmin: await seedUser(handle.db, { username: "other-admin", tenant: "shop" }),
    };
    for (const [name, user] of Object.entries(users)) {
      people[name] = user;
      cookies[name] = `${SESSION_COOKIE}=${(await createSession(handle.db, user.id, null)).token}`;
    }
  }, 60_000);

  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    setDbHandleForTests(undefined);
    await handle?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  const get = (cookie?: string) =>
    handleBackupDownload(
      new Request(`${ORIGIN}${BACKUP_PATH}`, {
        method: "POST",
        headers: cookie ? { cookie, origin: ORIGIN } : {},
      }),
    );

  const auditRows = (actorName: string) =>
    handle.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "backup.create"), eq(auditLog.actorName, actorName)));

  it("an admin of the admin tenant downloads the archive, named by the master key it needs, and it is audited", async () => {
    const response = await get(cookies.admin);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/gzip");
    expect(response.headers.get("content-disposition")).toMatch(
      /^attachment; filename="hsm-console-backup-.*\.tar\.gz"$/,
    );
    expect(response.headers.get(MASTER_KEY_HEADER)).toBe(masterKeyFingerprint(loadMasterKey()));
    const file = path.join(work, "download.tar.gz");
    fs.writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    const manifest = JSON.parse(execFileSync("tar", ["-xzOf", file, "manifest.json"], { encoding: "utf8" }));
    expect(manifest).toMatchObject({ createdBy: "backup-admin", database: { kind: "pglite" } });
    const [row] = await auditRows("backup-admin");
    expect(row).toMatchObject({ outcome: "success", objectType: "backup" });
    expect(row!.detail).toMatchObject({
      database: "pglite",
      masterKeyFingerprint: manifest.masterKey.fingerprint,
    });
  }, 60_000);

  it("refuses other roles, admins of other tenants and callers without a session, and audits the refusals", async () => {
    expect((await get(cookies.security)).status).toBe(403);
    expect((await get(cookies.otherAdmin)).status).toBe(403);
    expect((await get()).status).toBe(401);
    expect((await auditRows("backup-sec"))[0]).toMatchObject({ outcome: "denied" });
    expect((await auditRows("other-admin"))[0]).toMatchObject({ outcome: "denied" });
    expect((await auditRows("not signed in"))[0]).toMatchObject({
      outcome: "denied",
      detail: { refusals: 1 },
    });
  }, 60_000);

  it("the Backup page's contents name the master key and list the backups taken, for the admin tenant's admins only", async () => {
    const contents = await callerFor(handle.db, people.admin!).caller.backup.contents();
    expect(contents).toMatchObject({
      database: { kind: "pglite" },
      masterKeyFingerprint: masterKeyFingerprint(loadMasterKey()),
      packages: [],
    });
    expect(
      contents.history.filter((h) => h.action === "backup.create").map((h) => [h.actorName, h.outcome]),
    ).toEqual(expect.arrayContaining([["backup-admin", "success"]]));
    await expect(callerFor(handle.db, people.otherAdmin!).caller.backup.contents()).rejects.toThrow(
      /only an admin/,
    );
    await expect(callerFor(handle.db, people.security!).caller.backup.contents()).rejects.toThrow(
      /cannot change/,
    );
  }, 60_000);
});
