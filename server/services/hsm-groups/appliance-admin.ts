import https from "node:https";
import { AppError, type AppErrorCode, ERROR_STATUS } from "@/lib/errors";
import { parsePem } from "@/server/ntls/pinning";

/**
 * The appliance's Luna-style REST admin API with basic auth, the appliance pinned by its exact
 * server.pem (as the NTLS client pins it). Answers JSON or {code, message} errors.
 */
export interface AdminApi {
  url: string;
  username: string;
  password: string;
  serverCertPem: string;
}

export function adminRequest(
  api: AdminApi,
  method: "GET" | "POST" | "DELETE",
  path: string,
  payload?: unknown,
): Promise<{ status: number; body: unknown }> {
  const pinned = parsePem(api.serverCertPem, "serverCert");
  const base = new URL(api.url);
  const text = payload === undefined ? "" : JSON.stringify(payload);
  const auth = Buffer.from(`${api.username}:${api.password}`).toString("base64");
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: base.hostname.replace(/^\[|\]$/g, ""),
        port: Number(base.port || 443),
        method,
        path,
        headers: {
          authorization: `Basic ${auth}`,
          ...(payload === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(text) }),
        },
        ca: api.serverCertPem,
        checkServerIdentity: (_h, cert) =>
          cert.raw.equals(pinned.raw)
            ? undefined
            : new Error("the appliance certificate does not match server.pem"),
        agent: false,
        timeout: 15_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("end", () => {
          const raw = Buffer.concat(chunks).toString("utf8");
          let body: unknown = {};
          try {
            body = raw ? JSON.parse(raw) : {};
          } catch {
            body = { message: raw.slice(0, 200) };
          }
          resolve({ status: res.statusCode ?? 500, body });
        });
        res.on("error", reject);
      },
    );
    req.on("timeout", () =>
      req.destroy(new AppError("HSM_TIMEOUT", `The admin API at ${api.url} did not answer in time.`)),
    );
    req.on("error", (e) =>
      reject(
        e instanceof AppError
          ? e
          : new AppError("HSM_UNAVAILABLE", `Cannot reach the admin API at ${api.url}: ${e.message}.`, {
              field: "adminApiUrl",
            }),
      ),
    );
    req.end(text);
  });
}

/** The appliance's error as an AppError; a refused login names the password field. */
export function adminError(result: { status: number; body: unknown }, what: string): AppError {
  const { code, message } = (result.body ?? {}) as { code?: string; message?: string };
  if (result.status === 401)
    // Not UNAUTHENTICATED: that would read as the console session having ended.
    return new AppError("VALIDATION", "The appliance refused these admin credentials.", {
      field: "password",
    });
  const known =
    code !== undefined && Object.hasOwn(ERROR_STATUS, code) ? (code as AppErrorCode) : "HSM_ERROR";
  return new AppError(known, `${what}: ${message ?? `HTTP ${result.status}`}`);
}
