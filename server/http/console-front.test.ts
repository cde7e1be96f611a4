import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import type tls from "node:tls";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "@/server/config/env";
import { sslCertificates } from "@/server/db/schema";
import { closeAllConnections } from "@/server/pkcs11";
import { ensureLocalHsm } from "@/server/services/hsm-groups/local-softhsm";
import { chooseConsoleCertificate } from "@/server/services/console-tls/choose-console-certificate";
import { consoleTlsStatus } from "@/server/services/console-tls/console-tls-status";
import { CONSOLE_FRONT_NAME } from "@/server/services/console-tls/front-spec";
import { createHsmCertificate, filesContaining, randomPort } from "@/server/services/service-engines/testing/fixtures";
import type { Actor } from "@/server/services/actor";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { type ConsoleFront, startConsoleFront } from "./console-front";
import { PEER_HEADER } from "./peer-address";

const HOST = "127.0.144.1";
const CLIENT = "127.0.144.2";

function get(
  port: number,
  pathName: string,
  ca: string,
): Promise<{ status: number; body: string; cert: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(
        { host: HOST, port, path: pathName, ca, servername: "console.example", localAddress: CLIENT },
        (res) => {
          const cert = (res.socket as tls.TLSSocket).getPeerCertificate().fingerprint256;
          let body = "";
          res.on("data", (d) => (body += d));
          res.on("end", () => resolve({ status: res.statusCode!, body, cert }));
        },
      )
      .on("error", reject);
  });
}

/** The console's own HTTPS served with a key in Local-SoftHSM, through an SE (nginx + PKCS#11 engine). */
describe("the console's HTTPS key in Local-SoftHSM", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let actor: Actor;
  let certificate: { id: string; pem: string };
  let front: ConsoleFront | null = null;
  const port = randomPort();
  const seen: http.IncomingHttpHeaders[] = [];
  const start = () =>
    startConsoleFront(handle.db, {
      host: HOST,
      port,
      redirectTo: `https://${HOST}:${port}`,
      handle: (req, res) => {
        seen.push(req.headers);
        res.end(`console answers ${req.method} ${req.url}`);
      },
    });

  beforeAll(async () => {
    data = useTempDataDir();
    process.env.PORT = String(port);
    resetEnvForTests();
    handle = await openTestDb();
    await ensureLocalHsm(handle.db);
    const user = await seedUser(handle.db, { username: "front-admin" });
    actor = {
      userId: user.id,
      username: user.username,
      role: "admin",
      tenantId: user.tenantId,
      tenantName: "admin",
      address: null,
    };
    certificate = await createHsmCertificate(handle.db, user.tenantId, "console-https", "console.example");
  }, 60_000);

  afterAll(async () => {
    await front?.stop();
    await closeAllConnections();
    await handle?.close();
    delete process.env.PORT;
    resetEnvForTests();
    if (!process.env.KEEP) fs.rmSync(data, { recursive: true, force: true });
    else console.log("DATA", data);
  });

  it("starts nothing until an admin chooses a certificate", async () => {
    expect(await start()).toBeNull();
    const status = await consoleTlsStatus(handle.db, actor);
    expect(status.chosen).toBeNull();
    expect(status.choices.map((c) => c.name)).toEqual(["console-https"]);
  });

  it("refuses a certificate whose key is not in Local-SoftHSM, naming the field", async () => {
    const [other] = await handle.db
      .insert(sslCertificates)
      .values({
        tenantId: actor.tenantId,
        name: "file-key",
        type: "import",
        status: "active",
        keyAlgorithm: "EC",
        keyOrigin: "imported",
        certificatePem: certificate.pem,
      })
      .returning();
    await expect(chooseConsoleCertificate(handle.db, actor, other!.id)).rejects.toMatchObject({
      code: "VALIDATION",
      field: "certificateId",
    });
    await expect(
      chooseConsoleCertificate(
        handle.db,
        { ...actor, tenantName: "other", tenantId: actor.tenantId },
        certificate.id,
      ),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
  });

  it("serves the chosen certificate with the key in the token, forwards the client's address", async () => {
    await chooseConsoleCertificate(handle.db, actor, certificate.id);
    front = await start();
    expect(front).not.toBeNull();
    const answer = await get(port, "/hello", certificate.pem);
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("console answers GET /hello");
    expect(answer.cert).toBe(
      new (await import("node:crypto")).X509Certificate(certificate.pem).fingerprint256,
    );
    expect(seen.at(-1)![PEER_HEADER]).toBe(CLIENT);
    expect(seen.at(-1)!["x-hsm-console-front"]).toBeUndefined();
    // The key never left the token: no private key in any file the front wrote.
    expect(filesContaining(path.join(data, CONSOLE_FRONT_NAME), "PRIVATE KEY")).toEqual([]);
  });

  it("answers plain HTTP on the same port only with a redirect to HTTPS", async () => {
    const answer = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: HOST, port, path: "/login?x=1", localAddress: CLIENT }, resolve).on("error", reject),
    );
    expect(answer.statusCode).toBe(308);
    expect(answer.headers.location).toBe(`https://${HOST}:${port}/login?x=1`);
  });

  it("refuses a request that reaches the loopback listener without passing the front", async () => {
    const count = seen.length;
    const direct = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http
        .get(
          {
            host: "127.0.0.1",
            port: front!.upstreamPort,
            path: "/api/user",
            headers: { "x-hsm-console-front": "guess", "x-forwarded-for": "203.0.113.9" },
          },
          resolve,
        )
        .on("error", reject),
    );
    expect(direct.statusCode).toBe(403);
    expect(seen.length).toBe(count);
  });

  it("fails to start with the reason when the chosen key is gone from the token", async () => {
    await front!.stop();
    front = null;
    await handle.db
      .update(sslCertificates)
      .set({ keyUri: "pkcs11:token=hsm-console-local;id=%de%ad;type=private" })
      .where(eq(sslCertificates.id, certificate.id));
    await expect(start()).rejects.toThrow(/key|HSM|load/i);
  });
});
