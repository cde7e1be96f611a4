import { randomBytes } from "node:crypto";
import fs from "node:fs";
import https from "node:https";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { opensslSelfSigned } from "../appliance/self-signed";
import type { ApplianceInfo } from "../lifecycle/appliance-info";

/**
 * The lab's own test clients: a client identity, the admin REST API, and an NTLS link. Written for
 * the lab on purpose: the lab's tests never use the console's code (server/ntls), which is tested
 * against the lab in server/ntls/lab-integration/ instead.
 */
export interface TestClient {
  name: string;
  certPem: string;
  keyPem: string;
}

/** A client identity as `vtl createCert -n <name>` makes one (made with the openssl command). */
export async function makeClient(name: string): Promise<TestClient> {
  return { name, ...(await opensslSelfSigned(name)) };
}

/** As `scp <client>.pem admin@hsm:` would: into the appliance's home folder. */
export function uploadCert(appliance: ApplianceInfo, client: TestClient): void {
  fs.writeFileSync(path.join(appliance.dir, "home", `${client.name}.pem`), client.certPem);
}

/** Calls the appliance's admin REST API with basic auth, trusting exactly its server.pem. */
export function rest(
  appliance: ApplianceInfo,
  method: string,
  urlPath: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const url = new URL(urlPath, appliance.adminUrl);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: fs.readFileSync(appliance.serverPemPath, "utf8"),
        checkServerIdentity: () => undefined,
        auth: `${appliance.admin.username}:${appliance.admin.password}`,
        headers: payload ? { "content-type": "application/json" } : {},
        timeout: 10_000,
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on("error", reject);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.end(payload);
  });
}

/** A unix socket for p11-kit-client.so whose every connection is one mTLS connection to the appliance. */
export interface NtlsLink {
  socketPath: string;
  close(): Promise<void>;
}

/**
 * Opens an NTLS link as a plain TLS client would: the client's certificate, and the appliance's
 * server.pem as the only trusted certificate. No timeouts of its own: the appliance's are tested.
 */
export async function openNtlsLink(
  appliance: ApplianceInfo,
  client: TestClient,
  dir: string,
  serverCertPem = fs.readFileSync(appliance.serverPemPath, "utf8"),
): Promise<NtlsLink> {
  const socketPath = path.join(
    dir,
    `${appliance.name}-${client.name}-${randomBytes(3).toString("hex")}.sock`,
  );
  const open = new Set<net.Socket>();
  const server = net.createServer((local) => {
    const remote = tls.connect({
      host: appliance.ntls.host,
      port: appliance.ntls.port,
      ca: serverCertPem,
      cert: client.certPem,
      key: client.keyPem,
      checkServerIdentity: () => undefined,
    });
    for (const s of [local, remote]) {
      open.add(s);
      s.on("error", () => undefined);
      s.once("close", () => {
        open.delete(s);
        local.destroy();
        remote.destroy();
      });
    }
    remote.setNoDelay(true); // small RPC round trips: no Nagle delay
    local.pipe(remote).pipe(local);
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(socketPath, resolve));
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
