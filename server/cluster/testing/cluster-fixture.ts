import crypto, { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { type ConsoleNode, startNode } from "./console-node";

/**
 * Two console nodes on one PostgreSQL database (TEST_DATABASE_URL's server), node-b started first
 * so that it hosts Default-Group's se-1 and node-a none: whatever a VIP serves was applied by B.
 * Both allow `sharedFolder` (a SoftHSM token directory both reach, as two hosts reach one HSM).
 */
export interface TwoNodes {
  a: ConsoleNode;
  b: ConsoleNode;
  token: string;
  cookie: string;
  /** Default-Group's id. */
  seGroupId: string;
}

const PASSWORD = "cluster-admin-password";

export async function startTwoNodes(
  databaseUrl: string,
  allowList: string,
  port: number,
  env: Record<string, string> = {},
  [hostA, hostB] = ["127.0.180.1", "127.0.180.2"],
): Promise<TwoNodes> {
  const masterKey = crypto.randomBytes(32).toString("base64");
  const common = { databaseUrl, masterKey, port, env: { HSM_CONSOLE_PKCS11_LIBRARIES: allowList, ...env } };
  const b = await startNode({ ...common, name: "node-b", host: hostB! });
  const a = await startNode({ ...common, name: "node-a", host: hostA! });
  // The latest start issued the valid setup token (a new one per start until setup is done).
  const setupToken = fs.readFileSync(path.join(a.data, "setup-token"), "utf8").trim();
  const setup = await a.api(
    "POST",
    "/api/trpc/auth.setup",
    {},
    { setupToken, username: "admin", password: PASSWORD, confirmPassword: PASSWORD },
  );
  if (setup.status !== 200) throw new Error(`setup failed: ${setup.status} ${setup.text}`);
  const session = await sessionCookie(a);
  const created = await a.api(
    "POST",
    "/api/apitoken",
    { cookie: session },
    { name: "cluster", role: "admin", expiresInDays: 1 },
  );
  if (created.status !== 201) throw new Error(`token failed: ${created.status} ${created.text}`);
  const token = created.json.secret as string;
  const groups = await a.api("GET", "/api/serviceenginegroup", { token });
  return { a, b, token, cookie: session, seGroupId: groups.json.results[0].id };
}

async function sessionCookie(node: ConsoleNode): Promise<string> {
  const { send } = await import("@/bin/cli/transport");
  const answer = await send(
    new URL("/api/trpc/auth.login", node.base),
    {
      method: "POST",
      headers: { "content-type": "application/json", origin: node.base },
      body: JSON.stringify({ username: "admin", password: PASSWORD }),
    },
    {
      fingerprint: new X509Certificate(fs.readFileSync(node.certFile)).fingerprint256,
    },
  );
  const cookie = [answer.headers["set-cookie"] ?? []].flat()[0]?.split(";")[0];
  if (!cookie) throw new Error(`login failed: ${answer.status}`);
  return cookie;
}

/** A plain HTTP GET to a VIP: the body, or null when nothing (or an error) answers. */
export function getVip(
  host: string,
  port: number,
  urlPath = "/",
): Promise<{ status: number; body: string } | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: urlPath, agent: false, timeout: 2000 }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

export async function until<T>(
  fn: () => Promise<T | undefined | null | false>,
  what: string,
  ms = 120_000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await fn().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
