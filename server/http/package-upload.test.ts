import { createHash } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import {
  auditLog,
  hsmGroups,
  hsmPackageChunks,
  hsmPackages,
  serviceEngineGroups,
  serviceEngines,
} from "@/server/db/schema";
import { setDbHandleForTests } from "@/server/db";
import { type HandEntry, tarOf } from "@/server/packages/testing/tar";
import { PEER_HEADER } from "@/server/http/peer-address";
import { createSession, SESSION_COOKIE } from "@/server/services/auth/sessions";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { handlePackageUpload } from "./package-upload";

const RPM_LEAD = Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]);
const SAFENET = ["configurator", "libcryptoki", "vtl", "lunacmu", "cklog", "multitoken", "ckdemo", "lunacm"];
const rpm = (name: string, version = "5.4.1-2"): HandEntry => ({
  name: `${name}-${version}.x86_64.rpm`,
  body: Buffer.concat([RPM_LEAD, Buffer.alloc(3000, name)]),
});
const safenetTar = (entries = SAFENET.map((n) => rpm(n))) => tarOf(entries);
const ORIGIN = "https://console.test";

describe("POST /api/fileservice/hsmpackages (Upload HSM Packages)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let admin: SessionUser;
  let cookie: string;
  let readerCookie: string;

  beforeAll(async () => {
    process.env.HSM_CONSOLE_ORIGINS = ORIGIN;
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    admin = await seedUser(handle.db, { username: "pkg-admin" });
    cookie = `${SESSION_COOKIE}=${(await createSession(handle.db, admin.id, null)).token}`;
    const reader = await seedUser(handle.db, { username: "pkg-reader", role: "read-only" });
    readerCookie = `${SESSION_COOKIE}=${(await createSession(handle.db, reader.id, null)).token}`;
  });
  afterAll(async () => {
    delete process.env.HSM_CONSOLE_ORIGINS;
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  const post = (
    body: Buffer | ReadableStream<Uint8Array>,
    opts: { type?: string; cookie?: string | null; origin?: string; headers?: Record<string, string> } = {},
  ) =>
    handlePackageUpload(
      new Request(
        `${ORIGIN}/api/fileservice/hsmpackages?hsmtype=${opts.type ?? "safenet"}&filename=safenet.tar`,
        {
          method: "POST",
          body,
          headers: {
            "content-type": "application/x-tar",
            ...(opts.origin === "" ? {} : { origin: opts.origin ?? ORIGIN }),
            ...(opts.cookie === null ? {} : { cookie: opts.cookie ?? cookie }),
            ...opts.headers,
          },
          duplex: "half",
        } as RequestInit,
      ),
      256 * 1024,
    );

  const counts = async () => ({
    packages: (await handle.db.select().from(hsmPackages)).length,
    chunks: (await handle.db.select().from(hsmPackageChunks)).length,
  });

  it("stores a valid safenet.tar with its SHA-256, reports the members and version, and audits it", async () => {
    // An SE group whose HSM group is a SafeNet-style group: its SEs must be marked restart required.
    const [group] = await handle.db
      .insert(hsmGroups)
      .values({ tenantId: admin.tenantId, name: "luna", type: "lab-appliance" })
      .returning();
    const [seg] = await handle.db
      .insert(serviceEngineGroups)
      .values({ tenantId: admin.tenantId, name: "Default-Group", hsmGroupId: group!.id })
      .returning();
    await handle.db
      .insert(serviceEngines)
      .values({ groupId: seg!.id, name: "se-1", nodeName: "n", managementIp: "127.0.0.1" });

    const tar = safenetTar();
    const res = await post(tar);
    const body = await res.json();
    expect(res.status).toBe(201);
    expect(body).toMatchObject({
      message: "HSM Package uploaded successfully",
      type: "safenet",
      version: "5.4.1-2",
      size: tar.length,
      sha256: createHash("sha256").update(tar).digest("hex"),
      restartRequired: 1,
    });
    expect(body.members).toHaveLength(8);
    const [row] = await handle.db.select().from(hsmPackages).where(eq(hsmPackages.id, body.id));
    expect(row).toMatchObject({
      type: "safenet",
      version: "5.4.1-2",
      uploadedBy: "pkg-admin",
      size: tar.length,
    });
    const chunks = await handle.db
      .select()
      .from(hsmPackageChunks)
      .where(eq(hsmPackageChunks.packageId, body.id));
    const stored = Buffer.concat(chunks.sort((a, b) => a.seq - b.seq).map((c) => Buffer.from(c.data)));
    expect(stored.equals(tar)).toBe(true);
    const [se] = await handle.db.select().from(serviceEngines).where(eq(serviceEngines.name, "se-1"));
    expect(se!.restartRequiredReason).toContain("safenet.tar");
    const audits = await handle.db.select().from(auditLog).where(eq(auditLog.action, "hsmPackages.upload"));
    expect(audits.at(-1)).toMatchObject({ outcome: "success", objectId: body.id, actorName: "pkg-admin" });

    const { caller } = callerFor(handle.db, admin);
    const listed = await caller.hsmPackages.list();
    expect(listed[0]).toMatchObject({ id: body.id, version: "5.4.1-2", sha256: body.sha256 });
  });

  const bad: Array<[string, () => Parameters<typeof post>, number, RegExp]> = [
    ["not a tar", () => [Buffer.alloc(2048, "x")], 400, /not a tar/i],
    [
      "a missing member",
      () => [safenetTar(SAFENET.slice(1).map((n) => rpm(n)))],
      400,
      /missing configurator/,
    ],
    [
      "mixed versions",
      () => [safenetTar([...SAFENET.slice(1).map((n) => rpm(n)), rpm("configurator", "5.4.2-1")])],
      400,
      /mixes client versions/,
    ],
    [
      "an entry with ..",
      () => [tarOf([{ name: "../evil.rpm", body: "x" }, ...SAFENET.map((n) => rpm(n))])],
      400,
      /\.\./,
    ],
    ["an absolute path", () => [tarOf([{ name: "/etc/passwd", body: "x" }])], 400, /absolute/i],
    ["a symlink", () => [tarOf([{ name: "link", type: "2", linkname: "/etc/shadow" }])], 400, /link/i],
    ["a device", () => [tarOf([{ name: "dev", type: "3" }])], 400, /device/i],
    [
      "too many entries",
      () => [tarOf(Array.from({ length: 260 }, (_, i) => ({ name: `f${i}`, body: "" })))],
      413,
      /more than/i,
    ],
    ["over the size cap (Content-Length)", () => [Buffer.alloc(300 * 1024)], 413, /larger than/],
    [
      "over the size cap (counted, no Content-Length)",
      () => [
        new Blob([
          new Uint8Array(safenetTar(SAFENET.map((n) => ({ ...rpm(n), body: Buffer.alloc(40_000, n) })))),
        ]).stream(),
      ],
      413,
      /./,
    ],
    ["duplicate names", () => [tarOf([rpm("vtl"), rpm("vtl")])], 400, /twice|duplicate|same name/i],
    ["a wrong hsmtype", () => [safenetTar(), { type: "luna" }], 400, /hsmtype/],
    ["no session", () => [safenetTar(), { cookie: null }], 401, /Sign in/],
    ["a read-only role", () => [safenetTar(), { cookie: readerCookie }], 403, /cannot upload/],
    ["a foreign Origin", () => [safenetTar(), { origin: "https://evil.example" }], 403, /Cross-site/],
    ["a cookie without Origin", () => [safenetTar(), { origin: "" }], 403, /Origin header/],
  ];

  it.each(bad)("refuses %s with a clear message and stores nothing", async (_what, args, status, message) => {
    const before = await counts();
    const res = await post(...args());
    const body = await res.json();
    expect(res.status).toBe(status);
    expect(body.error.message).toMatch(message);
    expect(await counts()).toEqual(before);
  });

  it("audits the socket's address, never a client-sent X-Forwarded-For", async () => {
    const res = await post(safenetTar(), {
      cookie: null,
      headers: { "x-forwarded-for": "203.0.113.66", [PEER_HEADER]: "127.0.125.7" },
    });
    expect(res.status).toBe(401);
    const audits = await handle.db.select().from(auditLog).where(eq(auditLog.action, "hsmPackages.upload"));
    expect(audits.at(-1)).toMatchObject({ outcome: "denied", address: "127.0.125.7" });
  });

  it("deletes a package with its chunks", async () => {
    const { caller } = callerFor(handle.db, admin);
    const [first] = await caller.hsmPackages.list();
    await expect(caller.hsmPackages.remove({ id: first!.id })).resolves.toMatchObject({
      name: "safenet.tar",
    });
    expect(await counts()).toEqual({ packages: 0, chunks: 0 });
  });
});
