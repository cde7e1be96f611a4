import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertCertificate } from "@/server/aggregates/certificates";
import type { DbHandle } from "@/server/db/client";
import { hsmGroups, serviceEngineGroups, tenants } from "@/server/db/schema";
import { openTestDb } from "@/server/testing/test-db";
import {
  certificateHsmGroupsOfSeGroup,
  deleteVirtualServiceRow,
  insertVirtualService,
  loadVirtualService,
  loadVirtualServiceWithNames,
  seGroupsUsingCertificate,
  setVirtualServiceState,
  updateVirtualServiceSettings,
  type VirtualServiceSettings,
  virtualServicesOf,
  virtualServicesOfSeGroup,
  virtualServicesOnVip,
  virtualServicesUsingCertificates,
} from "./index";

let handle: DbHandle;
let tenantA: string;
let tenantB: string;
let seGroupId: string;
let hsmGroupId: string;
let certificateId: string;

function settings(name: string, extra: Partial<VirtualServiceSettings> = {}): VirtualServiceSettings {
  return {
    name,
    vip: "127.0.141.10",
    ports: [{ port: 8443, ssl: true }],
    certificateId,
    pool: [{ host: "127.0.0.1", port: 8081 }],
    healthCheck: null,
    seGroupId,
    enabled: true,
    state: "pending",
    ...extra,
  };
}

beforeAll(async () => {
  handle = await openTestDb();
  const [a, b] = await handle.db
    .insert(tenants)
    .values([{ name: "vs-a" }, { name: "vs-b" }])
    .returning();
  tenantA = a!.id;
  tenantB = b!.id;
  const [hsm] = await handle.db
    .insert(hsmGroups)
    .values({ tenantId: tenantA, name: "vs-hsm", type: "pkcs11-module" })
    .returning();
  hsmGroupId = hsm!.id;
  const [se] = await handle.db
    .insert(serviceEngineGroups)
    .values({ tenantId: tenantA, name: "vs-se", hsmGroupId })
    .returning();
  seGroupId = se!.id;
  const certificate = await insertCertificate(handle.db, {
    tenantId: tenantA,
    name: "vs-cert",
    type: "self-signed",
    status: "active",
    keyAlgorithm: "EC",
    keyOrigin: "generated",
    hsmGroupId,
  });
  certificateId = certificate.id;
});

afterAll(async () => {
  await handle?.close();
});

describe("virtual services aggregate", () => {
  it("writes, reads with names and deletes only in the service's tenant", async () => {
    const id = await insertVirtualService(handle.db, tenantA, settings("web"));
    const view = await loadVirtualServiceWithNames(handle.db, tenantA, id);
    expect(view).toMatchObject({ certificateName: "vs-cert", seGroupName: "vs-se", vs: { name: "web" } });
    expect((await virtualServicesOf(handle.db, tenantA)).map((v) => v.vs.name)).toEqual(["web"]);
    expect(await virtualServicesOf(handle.db, tenantB)).toEqual([]);
    await expect(loadVirtualService(handle.db, tenantB, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(deleteVirtualServiceRow(handle.db, tenantB, id)).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
    expect((await deleteVirtualServiceRow(handle.db, tenantA, id)).name).toBe("web");
    await expect(loadVirtualService(handle.db, tenantA, id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("a new save clears the state reason the SEs reported", async () => {
    const id = await insertVirtualService(handle.db, tenantA, settings("reason"));
    await setVirtualServiceState(handle.db, id, "down", "port taken");
    expect(await loadVirtualService(handle.db, tenantA, id)).toMatchObject({
      state: "down",
      stateReason: "port taken",
    });
    await updateVirtualServiceSettings(
      handle.db,
      id,
      settings("reason", { enabled: false, state: "disabled" }),
    );
    expect(await loadVirtualService(handle.db, tenantA, id)).toMatchObject({
      state: "disabled",
      stateReason: null,
    });
  });

  it("answers by VIP, certificate and SE group", async () => {
    const one = await insertVirtualService(handle.db, tenantA, settings("one", { vip: "127.0.141.11" }));
    const off = await insertVirtualService(
      handle.db,
      tenantA,
      settings("off", {
        vip: "127.0.141.11",
        ports: [{ port: 80, ssl: false }],
        certificateId: null,
        enabled: false,
      }),
    );
    expect((await virtualServicesOnVip(handle.db, "127.0.141.11", null)).map((v) => v.id).sort()).toEqual(
      [one, off].sort(),
    );
    expect((await virtualServicesOnVip(handle.db, "127.0.141.11", one)).map((v) => v.id)).toEqual([off]);
    const users = await virtualServicesUsingCertificates(handle.db, [certificateId]);
    expect(users.get(certificateId)?.map((u) => u.name)).toContain("one");
    expect(await seGroupsUsingCertificate(handle.db, certificateId)).toEqual([seGroupId]);
    const enabled = await virtualServicesOfSeGroup(handle.db, seGroupId, { enabledOnly: true });
    expect(enabled.map((v) => v.name)).toContain("one");
    expect(enabled.map((v) => v.name)).not.toContain("off");
    expect((await virtualServicesOfSeGroup(handle.db, seGroupId)).map((v) => v.name)).toContain("off");
    const withCerts = await certificateHsmGroupsOfSeGroup(handle.db, seGroupId);
    expect(withCerts).toContainEqual({ name: "one", certHsm: hsmGroupId });
    expect(withCerts.map((r) => r.name)).not.toContain("off");
  });
});
