import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { thisNode } from "@/server/cluster/node-identity";
import { registerNode } from "@/server/cluster/node-rows";
import { setDbHandleForTests } from "@/server/db";
import { hsmGroups, hsmPackages, sslCertificates, virtualServices } from "@/server/db/schema";
import { ensureLocalHsm } from "@/server/services/hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "@/server/services/service-engines/bootstrap";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { appRouter } from "@/server/trpc/router";
import { handleRestRequest } from "./handler";
import { listItemSchema, listResponseSchema } from "./list-items";
import { buildOpenApi } from "./openapi";
import { procedureDef } from "./procedures";
import { RESOURCES, type RestResource } from "./resources";

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "delete"];
const doc = buildOpenApi() as Json & { paths: Record<string, Record<string, Json>> };

function refs(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const v of value) refs(v, found);
  else if (value && typeof value === "object") {
    for (const [key, v] of Object.entries(value)) {
      if (key === "$ref" && typeof v === "string") found.push(v);
      else refs(v, found);
    }
  }
  return found;
}

function resolvePointer(ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let target: unknown = doc;
  for (const part of ref.slice(2).split("/")) {
    target = (target as Json | undefined)?.[part.replace(/~1/g, "/").replace(/~0/g, "~")];
  }
  return target;
}

const operations = Object.entries(doc.paths).flatMap(([path, ops]) =>
  Object.entries(ops).map(([method, op]) => ({ path, method, op })),
);

describe("the OpenAPI document is generated and consistent", () => {
  it("is OpenAPI 3.1 with every resource of the table", () => {
    expect(doc.openapi).toBe("3.1.0");
    for (const name of Object.keys(RESOURCES)) expect(doc.paths[`/api/${name}`]).toBeDefined();
  });

  it("has operations on every path, unique operation ids, and declared path parameters", () => {
    for (const [path, ops] of Object.entries(doc.paths)) {
      expect(Object.keys(ops).length, path).toBeGreaterThan(0);
      for (const [method, op] of Object.entries(ops)) {
        expect(METHODS, `${method} ${path}`).toContain(method);
        const params = (op.parameters ?? []) as { name: string; in: string }[];
        for (const [, name] of path.matchAll(/\{(\w+)\}/g)) {
          expect(
            params.some((p) => p.in === "path" && p.name === name),
            `${method} ${path}`,
          ).toBe(true);
        }
      }
    }
    const ids = operations.map((o) => o.op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("resolves every $ref", () => {
    const all = refs(doc);
    expect(all.length).toBeGreaterThan(10);
    for (const ref of all) expect(resolvePointer(ref), ref).toBeDefined();
  });

  it("names an existing procedure, or the web handler, behind every operation", async () => {
    const known = new Set(Object.keys(appRouter._def.procedures));
    for (const { path, method, op } of operations) {
      if (op["x-procedure"] === undefined) continue;
      expect(known.has(op["x-procedure"] as string), `${method} ${path} → ${op["x-procedure"]}`).toBe(true);
    }
    const handled = operations.filter((o) => o.op["x-handler"]);
    expect(handled.map((o) => o.path)).toEqual(
      expect.arrayContaining([
        "/login",
        "/logout",
        "/api/fileservice/hsmpackages",
        "/api/hsm-groups/{id}/clients/{clientId}/pem",
      ]),
    );
    for (const { op } of handled) {
      const [file, exported] = String(op["x-handler"]).split(" ");
      const module = (await import(`@/${file!.replace(/\.ts$/, "")}`)) as Record<string, unknown>;
      expect(typeof module[exported!], String(op["x-handler"])).toBe("function");
    }
    expect(operations.every((o) => o.op["x-procedure"] || o.op["x-handler"])).toBe(true);
  });

  it("documents request bodies with the procedures' own zod schemas", () => {
    const create = doc.paths["/api/user"]!.post!;
    const schema = resolvePointer(
      ((create.requestBody as Json).content as Record<string, { schema: { $ref: string } }>)[
        "application/json"
      ]!.schema.$ref,
    ) as { required: string[]; properties: Record<string, Json> };
    expect(schema.required).toEqual(expect.arrayContaining(["username", "password", "role"]));
    expect(schema.properties.password).toMatchObject({ type: "string", minLength: 12 });
    const update = resolvePointer("#/components/schemas/user.update") as { properties: Json };
    expect(update.properties).not.toHaveProperty("id");
  });
});

describe("every documented GET answers with its documented schema", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let token: string;
  beforeAll(async () => {
    useTempDataDir();
    handle = await openTestDb();
    setDbHandleForTests(handle);
    const admin = await seedUser(handle.db, { username: "doc-admin" });
    const { caller } = callerFor(handle.db, admin);
    token = (await caller.apiTokens.create({ name: "doc", role: "admin", expiresInDays: 1 })).secret;
    await caller.tenants.create({ name: "doc-tenant" }); // an audited change, so the log is not empty
    await ensureLocalHsm(handle.db); // the built-in HSM group, so hardwaresecuritymodulegroup lists one
    await registerNode(handle.db, thisNode()); // this node, so cluster lists one
    await handle.db.insert(hsmPackages).values({
      type: "safenet",
      version: "5.4.1-2",
      fileName: "safenet.tar",
      size: 10240,
      sha256: "0".repeat(64),
      members: [{ name: "vtl-5.4.1-2.x86_64.rpm", size: 3, sha256: "1".repeat(64) }],
      uploadedBy: "doc-admin",
    });
    // One object of each remaining kind, so that every documented GET has something to answer.
    const { groupId } = await ensureDefaultSeGroup(handle.db);
    await handle.db.insert(sslCertificates).values({
      tenantId: admin.tenantId,
      name: "doc-cert",
      type: "self-signed",
      status: "active",
      keyAlgorithm: "EC",
      keyOrigin: "generated",
    });
    // A certificate the console's own HTTPS may use (key in Local-SoftHSM): consolecertificate lists it.
    const [local] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.builtIn, true));
    await handle.db.insert(sslCertificates).values({
      tenantId: admin.tenantId,
      name: "doc-console-cert",
      type: "self-signed",
      status: "active",
      hsmGroupId: local!.id,
      keyUri: "pkcs11:token=hsm-console-local;id=%01;type=private",
      certificatePem: "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n",
      keyAlgorithm: "EC",
      keyOrigin: "generated",
    });
    await handle.db.insert(virtualServices).values({
      tenantId: admin.tenantId,
      name: "doc-vs",
      vip: "127.0.0.50",
      ports: [{ port: 8443, ssl: false }],
      pool: [{ host: "127.0.0.1", port: 8081 }],
      seGroupId: groupId,
    });
    // Avi's Pool and VsVip objects (issue #18).
    await caller.pools.create({ name: "doc-pool", servers: [{ host: "127.0.0.1", port: 8081 }] });
    await caller.vsVips.create({ name: "doc-vsvip", vip: "127.0.0.50" });
  });
  afterAll(async () => {
    setDbHandleForTests(undefined);
    await handle?.close();
  });

  async function get(path: string) {
    const response = await handleRestRequest(
      new Request(`http://console.test${path}`, { headers: { authorization: `Bearer ${token}` } }),
    );
    return { status: response.status, json: (await response.json()) as unknown };
  }

  // Procedure-backed GETs (the .pem download is a file, checked in server/http's tests).
  const gets = operations.filter((o) => o.method === "get" && o.op["x-procedure"]);
  it.each(gets.map((o) => o.path))("GET %s", async (path) => {
    const name = path.replace(/^\/api\//, "").replace(/\/\{uuid\}$/, "");
    const r = (RESOURCES as Record<string, RestResource>)[name]!;
    const list = procedureDef(r.list!)!.output;
    const listed = await get(`/api/${name}`);
    expect(listed.status).toBe(200);
    const page = listResponseSchema(list).parse(listed.json);
    expect(page.results.length, `seed data for ${name}`).toBeGreaterThan(0);
    // The document's schema is the JSON form of the very zod schema used to check the answer:
    // by uuid, the detail procedure's output when the resource has one, else the list item.
    const item = r.get ? procedureDef(r.get)!.output! : listItemSchema(list);
    const documented = path.endsWith("{uuid}") ? item : listResponseSchema(list);
    const component = path.endsWith("{uuid}") ? name : `${name}.list`;
    expect(resolvePointer(`#/components/schemas/${component}`)).toEqual(
      (({ $schema: _, ...rest }) => rest)(
        z.toJSONSchema(documented, { io: "output", unrepresentable: "any" }),
      ),
    );
    if (!path.endsWith("{uuid}")) return;
    const id = String((page.results[0] as { id: unknown }).id);
    const one = await get(`/api/${name}/${id}`);
    expect(one.status).toBe(200);
    expect(() => documented.parse(one.json)).not.toThrow();
  });
});
