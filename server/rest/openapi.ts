import "server-only";
import { z } from "zod";
import { aviReference } from "@/server/avi/reference";
import { listItemSchema, listResponseSchema } from "./list-items";
import { webRoutePaths } from "./openapi-web-routes";
import { procedureDef } from "./procedures";
import { RESOURCES, type RestResource } from "./resources";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document, generated from the resource table and each procedure's zod input
 * and output schemas (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 expects): no
 * hand-written duplicate to drift. `x-procedure` names the tRPC procedure behind an operation.
 */
export function buildOpenApi(): Record<string, unknown> {
  const schemas: Record<string, JsonSchema> = { Error: ERROR_SCHEMA };
  const paths: Record<string, Record<string, Operation>> = {};
  for (const [name, resource] of Object.entries(RESOURCES as Record<string, RestResource>)) {
    Object.assign(paths, resourcePaths(name, resource, schemas));
  }
  Object.assign(paths, webRoutePaths());
  return {
    openapi: "3.1.0",
    info: {
      title: "HSM Console API",
      version: "1",
      description:
        "REST API of HSM Console. Authenticate with `Authorization: Bearer hsmc_…` (Administration > API tokens).",
    },
    servers: [{ url: "/" }],
    // What the Avi-compatible API (X-Avi-Version) honours per object, and where it differs from Avi.
    "x-avi-compatible": aviReference(),
    security: [{ bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API token (hsmc_…)." },
        session: { type: "apiKey", in: "cookie", name: "hsm_console_session" },
      },
      responses: {
        Error: {
          description: "The error, with the code and message the console shows",
          content: { "application/json": { schema: ref("Error") } },
        },
      },
    },
  };
}

function resourcePaths(name: string, r: RestResource, schemas: Record<string, JsonSchema>) {
  const item = r.list ?? r.get ?? r.create;
  const itemSchema = r.get ? outputOf(r.get) : r.list ? listItemSchema(outputOf(r.list)) : outputOf(item);
  schemas[name] = toJson(itemSchema, "output");
  const collection: Record<string, Operation> = {};
  const member: Record<string, Operation> = {};
  const out: Record<string, Record<string, Operation>> = {};
  if (r.list) {
    schemas[`${name}.list`] = toJson(listResponseSchema(outputOf(r.list)), "output");
    collection.get = op(name, "list", r.list, `List ${r.summary.toLowerCase()}`, {
      parameters: listParameters(r),
      response: ref(`${name}.list`),
    });
  }
  if (r.create) {
    schemas[`${name}.create`] = inputSchema(r.create, false);
    schemas[`${name}.created`] = toJson(outputOf(r.create), "output");
    collection.post = op(name, "create", r.create, `Create a ${name}`, {
      body: ref(`${name}.create`),
      response: ref(`${name}.created`),
      status: "201",
    });
  }
  if (r.get || r.list) {
    member.get = op(name, "get", r.get ?? r.list!, `Get a ${name} by uuid`, { response: ref(name) });
  }
  if (r.update) {
    schemas[`${name}.update`] = inputSchema(r.update, true);
    member.put = op(name, "update", r.update, `Update a ${name}`, {
      body: ref(`${name}.update`),
      response: toJson(outputOf(r.update), "output"),
    });
  }
  if (r.remove) {
    member.delete = op(name, "delete", r.remove, `Delete a ${name}`, {
      response: toJson(outputOf(r.remove), "output"),
    });
  }
  if (Object.keys(collection).length) out[`/api/${name}`] = collection;
  if (Object.keys(member).length) out[`/api/${name}/{uuid}`] = withUuid(member);
  for (const [action, path] of Object.entries(r.collectionActions ?? {})) {
    out[`/api/${name}/${action}`] = {
      post: op(name, action, path, `${action} (${name})`, {
        body: inputSchema(path, false),
        response: toJson(outputOf(path), "output"),
        status: "201",
      }),
    };
  }
  for (const [action, path] of Object.entries(r.actions ?? {})) {
    out[`/api/${name}/{uuid}/${action}`] = withUuid({
      post: op(name, action, path, `${action} a ${name}`, {
        body: inputSchema(path, true),
        response: toJson(outputOf(path), "output"),
      }),
    });
  }
  return out;
}

function op(
  tag: string,
  verb: string,
  procedure: string,
  summary: string,
  o: { parameters?: unknown[]; body?: JsonSchema; response: JsonSchema; status?: string },
): Operation {
  return {
    operationId: `${tag}.${verb}`,
    summary,
    tags: [tag],
    "x-procedure": procedure,
    ...(o.parameters?.length ? { parameters: o.parameters } : {}),
    ...(o.body
      ? { requestBody: { required: true, content: { "application/json": { schema: o.body } } } }
      : {}),
    responses: {
      [o.status ?? "200"]: {
        description: "Success",
        content: { "application/json": { schema: o.response } },
      },
      default: { $ref: "#/components/responses/Error" },
    },
  };
}

function withUuid(ops: Record<string, Operation>): Record<string, Operation> {
  const parameters = [{ name: "uuid", in: "path", required: true, schema: { type: "string" } }];
  return Object.fromEntries(Object.entries(ops).map(([m, o]) => [m, { ...o, parameters }]));
}

/** The list procedure's input fields become query parameters, plus the `name` lookup. */
function listParameters(r: RestResource): unknown[] {
  const params: unknown[] = [
    {
      name: "name",
      in: "query",
      required: false,
      schema: { type: "string" },
      description: `Exact ${r.nameField}`,
    },
  ];
  const input = procedureDef(r.list!)?.inputs[0];
  const json = input ? toJson(input, "input") : {};
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  for (const [key, schema] of Object.entries(props)) {
    params.push({ name: key, in: "query", required: false, schema });
  }
  return params;
}

/** A body schema; for member operations the id comes from the path, not the body. */
function inputSchema(path: string, idInPath: boolean): JsonSchema {
  const input = procedureDef(path)?.inputs[0];
  const json = input ? toJson(input, "input") : { type: "object" };
  if (!idInPath) return json;
  const { id: _id, ...properties } = (json.properties ?? {}) as Record<string, unknown>;
  const required = ((json.required ?? []) as string[]).filter((k) => k !== "id");
  return { ...json, properties, required };
}

function outputOf(path: string | undefined): z.ZodType | undefined {
  return path ? procedureDef(path)?.output : undefined;
}

function toJson(schema: z.ZodType | undefined, io: "input" | "output"): JsonSchema {
  if (!schema) return {};
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return json;
}

function ref(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}

const ERROR_SCHEMA: JsonSchema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", description: "Stable code (VALIDATION, FORBIDDEN, NOT_FOUND, …)" },
        message: { type: "string" },
        field: { type: ["string", "null"], description: "The input field at fault" },
      },
    },
  },
};
