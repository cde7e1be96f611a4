import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { shellQuote } from "@/lib/shell-quote";
import { setDbHandleForTests } from "@/server/db";
import { auditLog, hsmGroups } from "@/server/db/schema";
import { handlePackageUpload } from "@/server/http/package-upload";
import { createSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";

/** Free text never reaches configuration files, commands or the database as anything but text. */
describe("strict identifiers and control characters", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let sec: SessionUser;
  const caller = () => callerFor(handle.db, sec).caller;
  const refusal = async (run: () => Promise<unknown>) =>
    toAppError(
      await run().then(
        () => null,
        (e: unknown) => e,
      ),
    );
  const audited = async (action: string) =>
    (await handle.db.select().from(auditLog).where(eq(auditLog.action, action))).filter(
      (r) => r.outcome !== "success",
    ).length;
  const moduleGroup = (partition: string, extra: Record<string, unknown> = {}) => ({
    name: "strict",
    type: "pkcs11-module" as const,
    moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so",
    servers: [{ partition, partitionPassword: "1234" }],
    ...extra,
  });

  beforeAll(async () => {
    // Read once with the rest of the environment: the package upload below comes from this origin.
    process.env.HSM_CONSOLE_ORIGINS = "https://console.test";
    useTempDataDir();
    handle = await openTestDb();
    sec = await seedUser(handle.db, { username: "sec-strict", tenant: "tenant-strict", role: "admin" });
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    await handle?.close();
  });

  it("refuses the injected partition label, and labels outside the appliance's character set", async () => {
    const injected = "p;\n}\nX = {\n LibUNIX64 = /tmp/evil.so;\n#";
    for (const label of [injected, "par 40", "par;40", "-par", "a".repeat(33)]) {
      const error = await refusal(() =>
        caller().hsmGroups.create({
          name: "injected",
          type: "lab-appliance",
          servers: [
            {
              address: "127.0.124.20",
              port: 1792,
              serverCert: "x",
              partition: label,
              partitionPassword: "x",
            },
          ],
        }),
      );
      expect(error.field, label).toBe("servers.0.partition");
    }
    expect(await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, "injected"))).toEqual([]);
  });

  it("refuses NUL and other control characters in any text field with a field error, and audits it", async () => {
    const cases: [string, () => Promise<unknown>, string][] = [
      ["hsmGroups.create", () => caller().hsmGroups.create(moduleGroup("p\0q")), "servers.0.partition"],
      ["hsmGroups.create", () => caller().hsmGroups.create(moduleGroup("p", { name: "g\0" })), "name"],
      [
        "hsmGroups.create",
        () => caller().hsmGroups.create(moduleGroup("p", { moduleEnv: "SOFTHSM2_CONF=/a\0b" })),
        "moduleEnv",
      ],
      [
        "certificates.create",
        () =>
          caller().certificates.create({
            name: "c",
            type: "self-signed",
            key: "EC-P-256",
            commonName: "a\0.example",
            validityDays: 1,
          }),
        "commonName",
      ],
      [
        "certificates.create",
        () =>
          caller().certificates.create({
            name: "c",
            type: "self-signed",
            key: "EC-P-256",
            commonName: "ok.example",
            organization: "Org\u001b[31m",
            validityDays: 1,
          }),
        "organization",
      ],
    ];
    for (const [action, run, field] of cases) {
      const before = await audited(action);
      const error = await refusal(run);
      expect(error.code, field).toBe("VALIDATION");
      expect(error.field, field).toBe(field);
      expect(error.message).toMatch(/control character \(U\+00(00|1B)\)/);
      expect(await audited(action), `audit of ${field}`).toBe(before + 1);
    }
    // Multi-line fields keep their line breaks.
    const pem = await refusal(() => caller().hsmGroups.parseServerCert({ pem: "-----BEGIN\nx\n" }));
    expect(pem.message).not.toMatch(/control character/);
  });

  it("refuses a package file name with NUL, with a field error and an audit row", async () => {
    // Packages belong to the installation: its administrator (the admin tenant) uploads them.
    const root = await seedUser(handle.db, { username: "root-strict" });
    const cookie = `${SESSION_COOKIE}=${(await createSession(handle.db, root.id, null)).token}`;
    const origin = "https://console.test";
    setDbHandleForTests(handle);
    const answer = await handlePackageUpload(
      new Request(`${origin}/api/fileservice/hsmpackages?hsmtype=safenet&filename=a%00.tar`, {
        method: "POST",
        body: "x",
        headers: { "content-type": "application/x-tar", origin, cookie },
      }),
    );
    setDbHandleForTests(undefined);
    const body = (await answer.json()) as { error: { field: string } };
    expect([answer.status, body.error.field]).toEqual([400, "filename"]);
    const rows = await handle.db.select().from(auditLog).where(eq(auditLog.action, "hsmPackages.upload"));
    expect(rows.map((r) => r.outcome)).toEqual(["failure"]);
  });

  it("shell-quotes what is shown for copying", () => {
    expect(shellQuote("par40")).toBe("par40");
    expect(shellQuote("admin@127.0.0.1:")).toBe("admin@127.0.0.1:");
    expect(shellQuote("a b;rm -rf /")).toBe("'a b;rm -rf /'");
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(shellQuote("")).toBe("''");
  });
});
