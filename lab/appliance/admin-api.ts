import { AppError } from "@/lib/errors";
import type { IncomingMessage, ServerResponse } from "node:http";
import https from "node:https";
import type { Appliance } from "./appliance";
import { ApplianceError } from "./errors";
import { checkBasicAuth, sendError, sendJson } from "./http-util";
import { ROUTES } from "./rest-routes";
import type { AdminCredentials } from "./secrets";
import type { ServerIdentity } from "./server-cert";

/**
 * The appliance's HTTPS admin API (Luna 7 REST shape). Same key and server.pem as NTLS. A client
 * certificate is requested but optional: admin routes use basic auth, cloning routes use it.
 * Every phase is bounded so a stalled peer cannot hold a socket forever.
 */
export interface AdminApiOptions {
  host: string;
  port: number;
  identity: ServerIdentity;
  credentials: AdminCredentials;
  handshakeTimeoutMs: number;
  log(line: string): void;
}

export class AdminApi {
  private readonly server: https.Server;

  constructor(
    private readonly appliance: Appliance,
    private readonly opts: AdminApiOptions,
  ) {
    this.server = https.createServer(
      {
        key: opts.identity.keyPem,
        cert: opts.identity.certPem,
        requestCert: true,
        rejectUnauthorized: false,
        minVersion: "TLSv1.2",
        handshakeTimeout: opts.handshakeTimeoutMs,
      },
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          // An unexpected failure answers only "internal error": the reason goes to the log.
          if (!(error instanceof AppError))
            this.opts.log(`api: ${req.method} ${req.url} failed: ${String(error)}`);
          sendError(res, error);
        });
      },
    );
    this.server.headersTimeout = 10_000;
    this.server.requestTimeout = 30_000;
    this.server.keepAliveTimeout = 5_000;
    this.server.setTimeout(60_000, (socket) => socket.destroy());
  }

  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.opts.port, this.opts.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
  }

  setIdentity(identity: ServerIdentity): void {
    this.server.setSecureContext({ key: identity.keyPem, cert: identity.certPem });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://appliance");
    for (const route of ROUTES) {
      const m = route.pattern.exec(url.pathname);
      if (!m || route.method !== req.method) continue;
      if (
        route.auth === "admin" &&
        !checkBasicAuth(req, this.opts.credentials.username, this.opts.credentials.password)
      ) {
        res.setHeader("www-authenticate", 'Basic realm="appliance"');
        throw new ApplianceError("UNAUTHENTICATED", "Authentication required.");
      }
      const params = m.slice(1).map((p) => decodeURIComponent(p));
      const result = await route.handle(this.appliance, req, params);
      this.opts.log(`api: ${req.method} ${url.pathname} -> ${result.status}`);
      sendJson(res, result.status, result.body);
      return;
    }
    throw new ApplianceError("NOT_FOUND", `No such resource: ${req.method} ${url.pathname}.`);
  }
}
