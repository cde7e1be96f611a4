import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { issueSetupTokenIfNeeded } from "@/server/services/auth/setup-token";
import { callerFor } from "@/server/testing/callers";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { decryptSecret, encryptSecret } from "./secrets";

const KNOWN_SECRET = "Known-Test-Secret-4711-do-not-leak";

describe("secrets at rest", () => {
  beforeAll(() => {
    useTempDataDir();
  });

  it("encrypts with AES-256-GCM bound to its column", () => {
    const sealed = encryptSecret(KNOWN_SECRET, "table.column");
    expect(sealed).not.toContain(KNOWN_SECRET);
    expect(sealed).not.toBe(encryptSecret(KNOWN_SECRET, "table.column"));
    expect(decryptSecret(sealed, "table.column")).toBe(KNOWN_SECRET);
    expect(() => decryptSecret(sealed, "other.column")).toThrow();
    const tampered = sealed.slice(0, -4) + (sealed.endsWith("AAAA") ? "BBBB" : "AAAA");
    expect(() => decryptSecret(tampered, "table.column")).toThrow();
  });
});

describe("a known secret never leaves in clear", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  const logged: string[] = [];
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : String(a))).join(" "));
      });
    }
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    await handle?.close();
  });

  it("is absent from responses, logs and a plain dump of the database", async () => {
    const responses: unknown[] = [];
    const token = (await issueSetupTokenIfNeeded(handle.db))!;
    const { caller, ctx } = callerFor(handle.db, null);
    responses.push(
      await caller.auth.setup({
        setupToken: token,
        username: "admin",
        password: KNOWN_SECRET,
        confirmPassword: KNOWN_SECRET,
      }),
    );
    const admin = (await caller.auth.status()).user ?? (await signedIn(ctx.resHeaders));
    const { caller: authed } = callerFor(handle.db, admin);
    responses.push(
      await authed.users.create({ username: "second", password: KNOWN_SECRET, role: "operator" }),
    );
    // Failures must not echo the secret either.
    responses.push(
      await caller.auth.login({ username: "admin", password: `${KNOWN_SECRET}-wrong` }).catch((e) => e),
    );
    responses.push(
      await authed.users
        .create({ username: "x", password: KNOWN_SECRET, role: "nonsense" as "admin" })
        .catch((e) => e),
    );
    responses.push(await authed.users.list(), await authed.audit.list({}), await authed.tenants.list());

    const dump = await dumpDatabase();
    for (const [where, text] of [
      ["responses", JSON.stringify(responses, errorReplacer)],
      ["logs", logged.join("\n")],
      ["database", dump],
    ] as const) {
      if (where !== "logs") expect(text.length, where).toBeGreaterThan(0);
      expect(text.includes(KNOWN_SECRET), `${where} contain the secret`).toBe(false);
      // The start log prints the setup token on purpose; responses and the database must not.
      if (where !== "logs") expect(text.includes(token), `${where} contain the setup token`).toBe(false);
    }
  });

  async function signedIn(headers: Headers) {
    const { resolveSession, SESSION_COOKIE } = await import("@/server/services/auth/sessions");
    const value = headers.get("set-cookie")?.match(new RegExp(`${SESSION_COOKIE}=([^;]*)`))?.[1];
    return resolveSession(handle.db, decodeURIComponent(value ?? ""));
  }

  /** Every row of every table in the public schema, as JSON text. */
  async function dumpDatabase(): Promise<string> {
    const result = await handle.db.execute(
      sql`select table_name from information_schema.tables where table_schema = 'public'`,
    );
    const tables = (result as unknown as { rows: { table_name: string }[] }).rows.map((r) => r.table_name);
    expect(tables.length).toBeGreaterThanOrEqual(6);
    const parts: string[] = [];
    for (const table of tables) {
      const rows = await handle.db.execute(sql.raw(`select row_to_json(t)::text as j from "${table}" t`));
      parts.push(...(rows as unknown as { rows: { j: string }[] }).rows.map((r) => r.j));
    }
    return parts.join("\n");
  }
});

function errorReplacer(_key: string, value: unknown) {
  return value instanceof Error
    ? { message: value.message, stack: value.stack, cause: String(value.cause) }
    : value;
}
