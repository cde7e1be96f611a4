import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { closeAllConnections, createSelfSignedCertificate } from "@/server/pkcs11";
import { clientFor, type SoftHsmFixture, USER_PIN } from "@/server/pkcs11/testing/fixtures";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { haGroup, localGroup } from "./testing/groups";
import { settled } from "./testing/observe";

/** Which members hold a certificate's key: recorded at creation/reference, shown in list and detail. */
describe("members holding a certificate's key", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let dataDir: string;
  let admin: SessionUser;
  let hsm: SoftHsmFixture;
  let haGroupId: string;
  const caller = () => callerFor(handle.db, admin).caller;

  beforeAll(async () => {
    dataDir = useTempDataDir();
    handle = await openTestDb();
    admin = await seedUser(handle.db, { username: "km-admin" });
    // Two tokens of one SoftHSM module as an HA group, with the same cloning-domain key on both.
    const ha = await haGroup(handle.db, admin.tenantId, "km-ha", ["km-1", "km-2"]);
    hsm = ha.hsm;
    haGroupId = ha.id;
  }, 60_000);

  afterAll(async () => {
    await closeAllConnections();
    await handle?.close();
    await hsm?.cleanup();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const csrInput = (name: string, hsmGroupId: string) => ({
    name,
    type: "self-signed" as const,
    hsmGroupId,
    key: "EC-P-256" as const,
    commonName: `${name}.example.com`,
    validityDays: 30,
  });

  it("an HA group's key is recorded on every member it was replicated to, in list and detail", async () => {
    const created = await caller().certificates.create(csrInput("km-web", haGroupId));
    const cert = await settled(handle.db, admin, created.id);
    expect(cert).toMatchObject({ status: "active", hsmGroupName: "km-ha" });
    expect([...cert.keyMembers].sort()).toEqual(["km-1", "km-2"]);
    const page = await caller().certificates.list({ search: "km-web" });
    expect([...page.items[0]!.keyMembers].sort()).toEqual(["km-1", "km-2"]);
  }, 60_000);

  it("a single-member group records its one member", async () => {
    const local = await localGroup(handle.db);
    const created = await caller().certificates.create(csrInput("km-local", local.id));
    const cert = await settled(handle.db, admin, created.id);
    expect(cert.keyMembers).toEqual(["hsm-console-local"]);
  }, 60_000);

  it("a referenced key records only the members that hold it", async () => {
    // Made outside the console, on the second member only.
    const outside = clientFor(hsm.spec("km-outside"));
    await outside.login({ label: "km-2" }, USER_PIN);
    await outside.generateKeyPair({
      token: { label: "km-2" },
      idHex: "c0ffee",
      label: "made-elsewhere",
      spec: { type: "EC", curve: "P-256" },
    });
    const { pem } = await createSelfSignedCertificate(outside, {
      token: { label: "km-2" },
      idHex: "c0ffee",
      subject: "CN=elsewhere.example.com",
      dnsNames: ["elsewhere.example.com"],
      days: 30,
    });
    await outside.connection.close();
    const ref = await caller().certificates.reference({
      name: "km-ref",
      hsmGroupId: haGroupId,
      keyLabel: "made-elsewhere",
      certificatePem: pem,
    });
    const cert = await caller().certificates.get({ id: ref.id });
    expect(cert).toMatchObject({ type: "reference", status: "active", keyMembers: ["km-2"] });
  }, 60_000);
});
