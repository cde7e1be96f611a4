import https from "node:https";
import { AppError, type AppErrorCode, ERROR_STATUS } from "@/lib/errors";
import { parsePem } from "./pinning";

/**
 * Client side of HSM-to-HSM cloning (HA key replication). The console relays an opaque blob:
 * export wraps the key pair inside the source appliance under its cloning-domain key, import
 * unwraps it inside the target. The client authenticates with its NTLS client certificate
 * (mTLS) and proves the partition password; it never sees key material.
 *
 * The appliance is pinned exactly by its server.pem, as on the NTLS link.
 */
export interface CloneEndpoint {
  host: string;
  /** The appliance's HTTPS admin API port (8443 by default in the lab), not NTLS. */
  port: number;
  serverCertPem: string;
  clientCertPem: string;
  clientKeyPem: string;
  partition: string;
  password: string;
  timeoutMs?: number;
}

export async function cloneExport(opts: CloneEndpoint & { idHex: string }): Promise<{ blob: string }> {
  const body = await call(opts, "clone-export", { password: opts.password, idHex: opts.idHex });
  const blob = (body as { blob?: unknown }).blob;
  if (typeof blob !== "string") throw new AppError("HSM_ERROR", "The appliance returned no clone blob.");
  return { blob };
}

export async function cloneImport(opts: CloneEndpoint & { blob: string }): Promise<void> {
  await call(opts, "clone-import", { password: opts.password, blob: opts.blob });
}

function call(opts: CloneEndpoint, action: string, payload: Record<string, string>): Promise<unknown> {
  const pinned = parsePem(opts.serverCertPem, "serverCertPem");
  const where = `${opts.host}:${opts.port}`;
  const text = JSON.stringify(payload);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: opts.host,
        port: opts.port,
        method: "POST",
        path: `/api/lab/partitions/${encodeURIComponent(opts.partition)}/${action}`,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(text) },
        cert: opts.clientCertPem,
        key: opts.clientKeyPem,
        // Chain checked against the pinned certificate only, then the exact DER compared.
        ca: opts.serverCertPem,
        checkServerIdentity: (_host, cert) =>
          cert.raw.equals(pinned.raw) ? undefined : new Error("the appliance certificate does not match server.pem"),
        agent: false,
        timeout: opts.timeoutMs ?? 30_000,
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
            return reject(new AppError("HSM_ERROR", `Appliance ${where} answered with something that is not JSON.`));
          }
          if ((res.statusCode ?? 500) < 300) return resolve(body);
          reject(toAppError(body, res.statusCode ?? 500));
        });
      },
    );
    req.on("timeout", () => req.destroy(new AppError("HSM_TIMEOUT", `Appliance ${where} did not answer in time.`)));
    req.on("error", (error) => reject(error instanceof AppError ? error : unavailable(where, error)));
    req.end(text);
  });
}

function unavailable(where: string, cause: Error): AppError {
  return new AppError("HSM_UNAVAILABLE", `Cannot reach the appliance at ${where}: ${cause.message}.`, { cause });
}

/** The appliance answers {code, message} with codes from lib/errors: keep them. */
function toAppError(body: unknown, status: number): AppError {
  const { code, message } = (body ?? {}) as { code?: string; message?: string };
  const known = code !== undefined && Object.hasOwn(ERROR_STATUS, code);
  return new AppError(
    known ? (code as AppErrorCode) : "HSM_ERROR",
    message ?? `The appliance refused the request (HTTP ${status}).`,
  );
}
