import { z } from "zod";
import { ZUploadAnswer } from "@/lib/schemas/hsm-packages";

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

const ERROR = { default: { $ref: "#/components/responses/Error" } };

function json(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: "output" }) as JsonSchema;
  return rest;
}

const ZAviLogin = z.object({
  user: z.object({ username: z.string(), uuid: z.string(), name: z.string(), role: z.string() }),
  tenants: z.array(z.object({ uuid: z.string(), name: z.string() })),
  version: z.object({ Version: z.string(), ProductName: z.string() }),
  session_cookie_name: z.literal("avi-sessionid"),
});

const loginBody = {
  type: "object",
  properties: {
    username: { type: "string" },
    password: { type: "string", description: "Or token:" },
    token: { type: "string", description: "A console API token (hsmc_…) instead of the password" },
  },
  required: ["username"],
};

/**
 * The routes served outside the resource table (server/http and server/avi web handlers): the
 * raw package upload, the client .pem download and Avi's login flow. `x-handler` names the
 * handler, as `x-procedure` names a procedure elsewhere.
 */
export function webRoutePaths(): Record<string, Record<string, Operation>> {
  return {
    "/login": {
      post: {
        operationId: "avi.login",
        summary: "Sign in as Avi's SDKs do; sets the avi-sessionid and csrftoken cookies",
        tags: ["avi"],
        "x-procedure": "auth.login",
        "x-handler": "server/avi/login.ts handleAviLogin",
        security: [],
        requestBody: {
          required: true,
          content: {
            "application/x-www-form-urlencoded": { schema: loginBody },
            "application/json": { schema: loginBody },
          },
        },
        responses: {
          "200": { description: "Signed in", content: { "application/json": { schema: json(ZAviLogin) } } },
          ...ERROR,
        },
      },
    },
    "/logout": {
      post: {
        operationId: "avi.logout",
        summary: "End the Avi session (send X-CSRFToken and Referer); clears the cookies",
        tags: ["avi"],
        "x-procedure": "auth.logout",
        "x-handler": "server/avi/login.ts handleAviLogout",
        responses: { "200": { description: "Signed out" }, ...ERROR },
      },
    },
    "/api/fileservice/hsmpackages": {
      post: {
        operationId: "hsmpackage.upload",
        summary: "Upload an HSM client package: the raw tar as the body (not multipart)",
        tags: ["hsmpackage"],
        "x-handler": "server/http/package-upload.ts handlePackageUpload",
        parameters: [
          {
            name: "hsmtype",
            in: "query",
            required: true,
            schema: { type: "string", enum: ["safenet", "thales", "cloudhsm"] },
          },
          { name: "filename", in: "query", required: false, schema: { type: "string" } },
        ],
        requestBody: {
          required: true,
          content: {
            "application/x-tar": { schema: { type: "string", format: "binary" } },
            "application/octet-stream": { schema: { type: "string", format: "binary" } },
          },
        },
        responses: {
          "201": { description: "Stored", content: { "application/json": { schema: json(ZUploadAnswer) } } },
          ...ERROR,
        },
      },
    },
    "/api/hsm-groups/{id}/clients/{clientId}/pem": {
      get: {
        operationId: "hardwaresecuritymodulegroup.clientpem",
        summary: "Download <client>.pem (the client certificate; its key never leaves the console)",
        tags: ["hardwaresecuritymodulegroup"],
        "x-handler": "server/http/client-pem.ts handleClientPem",
        parameters: [
          { name: "id", in: "path", required: true, schema: { type: "string" } },
          { name: "clientId", in: "path", required: true, schema: { type: "string" } },
        ],
        responses: {
          "200": {
            description: "The PEM file",
            content: { "application/x-pem-file": { schema: { type: "string" } } },
          },
          ...ERROR,
        },
      },
    },
  };
}
