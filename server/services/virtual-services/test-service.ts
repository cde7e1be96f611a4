import http from "node:http";
import type { VirtualServiceTestResult } from "@/lib/schemas/virtual-services";
import { probeVirtualService } from "@/server/dataplane";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { getVirtualService } from "./list";
import { expectedFingerprint, foreignListener } from "./own-listener";

/**
 * A real request to the VIP, as a client would make it: HTTPS with a full handshake on the first
 * SSL port (the HSM signs it), plain HTTP when the service has no SSL port. Only to the VS's own
 * SE listener, and over SSL only once it has presented the VS's certificate: nothing is sent to
 * another program.
 */
export async function testVirtualService(
  db: Db,
  actor: Actor,
  id: string,
): Promise<VirtualServiceTestResult> {
  const vs = await getVirtualService(db, actor, id);
  const port = vs.ports.find((p) => p.ssl) ?? vs.ports[0]!;
  const path = vs.healthCheckPath ?? "/";
  const empty = { tlsVersion: null, cipher: null, certificate: null, httpStatus: null, body: null };
  const foreign = await foreignListener(db, vs, port.port);
  if (foreign)
    return { ...empty, ok: false, port: port.port, stage: "connect", error: foreign, elapsedMs: 0 };
  if (!port.ssl) return { ...empty, port: port.port, ...(await plainHttp(vs.vip, port.port, path)) };
  const fingerprint = await expectedFingerprint(db, actor.tenantId, vs.certificateId);
  if (!fingerprint)
    return {
      ...empty,
      ok: false,
      port: port.port,
      stage: "handshake",
      error: "This virtual service has no certificate to check its listener against.",
      elapsedMs: 0,
    };
  const r = await probeVirtualService({
    vip: vs.vip,
    port: port.port,
    timeoutMs: 5000,
    path,
    expectFingerprint256: fingerprint,
  });
  if (!r.ok)
    return { ...empty, ok: false, port: port.port, stage: r.stage, error: r.error, elapsedMs: r.elapsedMs };
  return {
    ok: true,
    port: port.port,
    stage: null,
    error: null,
    tlsVersion: r.tlsVersion,
    cipher: r.cipher,
    certificate: r.certificate,
    httpStatus: r.httpStatus ?? null,
    body: r.body ?? null,
    elapsedMs: r.elapsedMs,
  };
}

function plainHttp(host: string, port: number, path: string) {
  const started = performance.now();
  const elapsedMs = () => Math.round(performance.now() - started);
  return new Promise<
    Pick<VirtualServiceTestResult, "ok" | "stage" | "error" | "httpStatus" | "body" | "elapsedMs">
  >((resolve) => {
    const req = http.get({ host, port, path, timeout: 5000 }, (res) => {
      let body = "";
      res.on("data", (d: Buffer) => {
        if (body.length < 512) body += d.toString();
      });
      res.on("end", () =>
        resolve({
          ok: true,
          stage: null,
          error: null,
          httpStatus: res.statusCode ?? 0,
          body: body.slice(0, 512),
          elapsedMs: elapsedMs(),
        }),
      );
    });
    const fail = (error: string) =>
      resolve({ ok: false, stage: "connect", error, httpStatus: null, body: null, elapsedMs: elapsedMs() });
    req.on("timeout", () => req.destroy(new Error("no answer within 5 s")));
    req.on("error", (e) => fail(e.message));
  });
}
