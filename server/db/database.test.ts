import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDb } from "@/server/db/client";
import { auditLog, tenants } from "@/server/db/schema";
import { type Backend, backends, openTestDb } from "@/server/testing/test-db";

describe.each(backends())("database on %s", (backend: Backend) => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  beforeAll(async () => {
    handle = await openTestDb(backend);
  });
  afterAll(async () => handle?.close());

  it("applies the migration set and reads back a written row", async () => {
    expect(handle.kind).toBe(backend);
    const [tenant] = await handle.db.insert(tenants).values({ name: "tenant-a" }).returning();
    await handle.db.insert(auditLog).values({
      tenantId: tenant!.id,
      actorName: "tester",
      action: "test.write",
      outcome: "success",
      detail: { note: "read me back" },
    });
    const [row] = await handle.db.select().from(auditLog).where(eq(auditLog.tenantId, tenant!.id));
    expect(row).toMatchObject({
      actorName: "tester",
      action: "test.write",
      detail: { note: "read me back" },
    });
    expect(row!.at).toBeInstanceOf(Date);
  });

  it("enforces the schema's constraints", async () => {
    await handle.db.insert(tenants).values({ name: "unique-name" });
    await expect(handle.db.insert(tenants).values({ name: "unique-name" })).rejects.toThrow();
  });
});

describe("embedded PGlite data folder", () => {
  it("keeps data across a restart and migrates idempotently", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-console-pglite-"));
    try {
      const first = await openDb({ pgliteDir: dir });
      await first.db.insert(tenants).values({ name: "persisted" });
      await first.close();
      const second = await openDb({ pgliteDir: dir });
      const rows = await second.db.select().from(tenants).where(eq(tenants.name, "persisted"));
      await second.close();
      expect(rows).toHaveLength(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
