import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { P11_KIT_CLIENT_MODULE } from "@/server/config/system-libraries";
import type { DbHandle } from "@/server/db/client";
import { hsmClients, hsmGroups, hsmServers, serviceEngineGroups } from "@/server/db/schema";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { toAppError } from "@/server/trpc/errors";
import { expiredServerPem, networkGroupInput, serverPem } from "./testing/fixtures";

let handle: DbHandle;
let admin: SessionUser;
let pem: string;
let expired: string;
let existing: { id: string; serverIds: string[] };
let referenced: string;
let builtIn: string;

const caller = () => callerFor(handle.db, admin).caller;
const base = () => networkGroupInput("new-group", [pem, pem]);

async function snapshot(): Promise<string> {
  const db = handle.db;
  return JSON.stringify([
    await db.select().from(hsmGroups).orderBy(hsmGroups.id),
    await db.select().from(hsmServers).orderBy(hsmServers.id),
    (await db.select().from(hsmClients).orderBy(hsmClients.id)).length,
  ]);
}

beforeAll(async () => {
  useTempDataDir();
  handle = await openTestDb();
  admin = await seedUser(handle.db, { username: "sec-admin" });
  pem = await serverPem();
  expired = await expiredServerPem();
  const g = await caller().hsmGroups.create(networkGroupInput("taken", [pem]));
  existing = { id: g.id, serverIds: g.servers.map((s) => s.id) };
  const r = await caller().hsmGroups.create(networkGroupInput("in-use", [pem]));
  referenced = r.id;
  await handle.db
    .insert(serviceEngineGroups)
    .values({ tenantId: admin.tenantId, name: "Default-Group", hsmGroupId: r.id });
  const [b] = await handle.db
    .insert(hsmGroups)
    .values({
      tenantId: admin.tenantId,
      name: "Local-SoftHSM",
      type: "pkcs11-module",
      builtIn: true,
      moduleLibrary: "/usr/lib/softhsm/libsofthsm2.so",
    })
    .returning();
  builtIn = b!.id;
});
afterAll(async () => handle?.close());

type Case = [string, () => Promise<unknown>, string, string?];
const withServer = (patch: Record<string, unknown>) => {
  const input = base();
  return { ...input, servers: [{ ...input.servers[0]!, ...patch }, input.servers[1]!] };
};

const CASES: Case[] = [
  [
    "a server certificate that is not PEM",
    () => caller().hsmGroups.create(withServer({ serverCert: "hello" })),
    "servers.0.serverCert",
  ],
  [
    "a malformed PEM certificate",
    () =>
      caller().hsmGroups.create(
        withServer({ serverCert: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" }),
      ),
    "servers.0.serverCert",
  ],
  [
    "an expired server certificate",
    () => caller().hsmGroups.create(withServer({ serverCert: expired })),
    "servers.0.serverCert",
    "expired",
  ],
  [
    "a private key pasted as server.pem",
    () =>
      caller().hsmGroups.create(
        withServer({
          serverCert: "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEI\n-----END PRIVATE KEY-----",
        }),
      ),
    "servers.0.serverCert",
  ],
  [
    "a missing server certificate",
    () => caller().hsmGroups.create(withServer({ serverCert: "" })),
    "servers.0.serverCert",
  ],
  [
    "a duplicate name",
    () => caller().hsmGroups.create({ ...base(), name: "taken" }),
    "name",
    "already exists",
  ],
  ["a name with spaces", () => caller().hsmGroups.create({ ...base(), name: "bad name" }), "name"],
  [
    "an invalid IPv4 address",
    () => caller().hsmGroups.create(withServer({ address: "999.1.1.1" })),
    "servers.0.address",
  ],
  [
    "an address with a space",
    () => caller().hsmGroups.create(withServer({ address: "hsm 1" })),
    "servers.0.address",
  ],
  ["a missing address", () => caller().hsmGroups.create(withServer({ address: "" })), "servers.0.address"],
  ["port 0", () => caller().hsmGroups.create(withServer({ port: 0 })), "servers.0.port"],
  ["port 70000", () => caller().hsmGroups.create(withServer({ port: 70000 })), "servers.0.port"],
  [
    "HA with one server",
    () => caller().hsmGroups.create({ ...networkGroupInput("one", [pem]), isHa: true }),
    "isHa",
  ],
  [
    "no password on create",
    () => caller().hsmGroups.create(withServer({ partitionPassword: "" })),
    "servers.0.partitionPassword",
  ],
  ["an unknown type", () => caller().hsmGroups.create({ ...base(), type: "quantum" as never }), "type"],
  ["no servers", () => caller().hsmGroups.create({ ...base(), servers: [] }), "servers"],
  [
    "the same partition twice",
    () => caller().hsmGroups.create({ ...base(), servers: [base().servers[0]!, base().servers[0]!] }),
    "servers.1.partition",
  ],
  [
    "a module library that does not exist",
    () =>
      caller().hsmGroups.create({
        name: "mod",
        type: "pkcs11-module",
        moduleLibrary: "/usr/lib/nope/libnothing.so",
        servers: [{ partition: "t", partitionPassword: "1" }],
      }),
    "moduleLibrary",
  ],
  [
    "a module library that is a folder",
    () =>
      caller().hsmGroups.create({
        name: "mod",
        type: "pkcs11-module",
        moduleLibrary: "/usr/lib",
        servers: [{ partition: "t", partitionPassword: "1" }],
      }),
    "moduleLibrary",
  ],
  [
    "an admin API URL that is not https",
    () => caller().hsmGroups.create(withServer({ adminApiUrl: "http://127.0.0.1:8443" })),
    "servers.0.adminApiUrl",
  ],
  [
    "renaming to a taken name",
    () =>
      caller().hsmGroups.update({
        ...networkGroupInput("in-use", [pem]),
        id: existing.id,
        servers: [{ ...networkGroupInput("x", [pem]).servers[0]!, id: existing.serverIds[0] }],
      }),
    "name",
  ],
  [
    "a new server without password on update",
    () =>
      caller().hsmGroups.update({
        ...networkGroupInput("taken", [pem, pem]),
        id: existing.id,
        servers: [
          {
            ...networkGroupInput("x", [pem]).servers[0]!,
            id: existing.serverIds[0],
            partitionPassword: undefined,
          },
          { ...networkGroupInput("x", [pem]).servers[0]!, partition: "par99", partitionPassword: "" },
        ],
      }),
    "servers.1.partitionPassword",
  ],
  [
    "changing the built-in group's library",
    () =>
      caller().hsmGroups.update({
        id: builtIn,
        name: "Local-SoftHSM",
        type: "pkcs11-module",
        moduleLibrary: P11_KIT_CLIENT_MODULE,
        servers: [{ partition: "t", partitionPassword: "1" }],
      }),
    "moduleLibrary",
  ],
];

describe("bad input to HSM groups: the error names the field and nothing is written", () => {
  it.each(CASES)("refuses %s", async (_label, run, field, text) => {
    const before = await snapshot();
    const error = (await run().then(
      () => null,
      (e: unknown) => e,
    )) as Error | null;
    expect(error).not.toBeNull();
    // As the client sees it: schema issues and service AppErrors alike name the field.
    const seen = toAppError(error);
    expect(seen.field).toBe(field);
    if (text) expect(seen.message).toContain(text);
    expect(await snapshot()).toBe(before);
  });

  it("refuses deleting a referenced group, naming the SE group", async () => {
    const before = await snapshot();
    await expect(caller().hsmGroups.remove({ id: referenced })).rejects.toThrow(
      /service engine group "Default-Group"/,
    );
    expect(await snapshot()).toBe(before);
  });

  it("refuses deleting the built-in group", async () => {
    const before = await snapshot();
    await expect(caller().hsmGroups.remove({ id: builtIn })).rejects.toThrow(/built-in/);
    expect(await snapshot()).toBe(before);
  });
});
