import https from "node:https";
import { AppError, type AppErrorCode, ERROR_STATUS } from "@/lib/errors";
import { parsePem } from "./pinning";

/**
 * One HTTPS call to an appliance's admin API as an NTLS client: mutual TLS with the client
 * certificate, the appliance pinned exactly by its server.pem (chain checked against that one
 * certificate only, then the DER compared). Appliance errors ({code, message} with codes from
 * lib/errors) come back as AppError; network trouble as HSM_UNAVAILABLE / HSM_TIMEOUT.
 */
export interface ApplianceClientIdentity {
  host: string;
  /** The appliance's HTTPS admin API port (8443 by default in the lab), not NTLS. */
  port: number;
  serverCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  timeoutMs?: number;
}

export function applianceRequest(
  id: ApplianceClientIdentity,
  method: "GET" | "POST",
  path: string,
  payload?: Record<string, string>,
): Promise<unknown> {
  const pinned = parsePem(id.serverCertPem, "serverCertPem");
  const where = `${id.host}:${id.port}`;
  const text = payload === undefined ? "" : JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: id.host,
        port: id.port,
        method,
        path,
        headers:
          payload === undefined
            ? {}
            : { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
        cert: id.clientCertPem,
        key: id.clientKeyPem,
        ca: id.serverCertPem,
        checkServerIdentity: (_host, cert) =>
          cert.raw.equals(pinned.raw)
            ? undefined
            : new Error("the appliance certificate does not match server.pem"),
        agent: false,
        timeout: id.timeoutMs ?? 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (d: Buffer) => chunks.push(d));
        res.on("error", (error) => reject(unavailable(where, error)));
        res.on("end", () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}");
          } catch {
            return reject(
              new AppError("HSM_ERROR", `Appliance ${where} answered with something that is not JSON.`),
            );
          }
          if ((res.statusCode ?? 500) < 300) return resolve(body);
          reject(toAppError(body, res.statusCode ?? 500));
        });
      },
    );
    req.on("timeout", () =>
      req.destroy(new AppError("HSM_TIMEOUT", `Appliance ${where} did not answer in time.`)),
    );
    req.on("error", (error) => reject(error instanceof AppError ? error : unavailable(where, error)));
    req.end(text);
  });
}

function unavailable(where: string, cause: Error): AppError {
  return new AppError("HSM_UNAVAILABLE", `Cannot reach the appliance at ${where}: ${cause.message}.`, {
    cause,
  });
}

function toAppError(body: unknown, status: number): AppError {
  const { code, message } = (body ?? {}) as { code?: string; message?: string };
  const known = code !== undefined && Object.hasOwn(ERROR_STATUS, code);
  return new AppError(
    known ? (code as AppErrorCode) : "HSM_ERROR",
    message ?? `The appliance refused the request (HTTP ${status}).`,
  );
}
