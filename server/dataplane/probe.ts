import { createHash } from "node:crypto";
import http from "node:http";
import net from "node:net";
import tls from "node:tls";

export interface ProbeOptions {
  vip: string;
  port: number;
  serverName?: string;
  timeoutMs: number;
  /** Path of the HTTP request; default "/". */
  path?: string;
  /** false: stop after the TLS handshake (health checks must not depend on the pool). */
  http?: boolean;
  /** SHA-256 fingerprint (AB:CD:…) the server must present, checked before any request is sent. */
  expectFingerprint256?: string;
}

export interface PresentedCertificate {
  subject: string;
  issuer: string;
  fingerprint256: string;
  notAfter: string;
}

export type ProbeResult =
  | {
      ok: true;
      certificate: PresentedCertificate;
      tlsVersion: string;
      cipher: string;
      /** Absent when http: false. */
      httpStatus?: number;
      /** First bytes of the pool's answer (at most 512). */
      body?: string;
      elapsedMs: number;
    }
  | { ok: false; stage: "connect" | "handshake" | "http"; error: string; elapsedMs: number };

function dn(fields: object | undefined): string {
  return Object.entries(fields ?? {})
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : String(v)}`)
    .join(", ");
}

/**
 * A real HTTPS request to a virtual service: TCP connect, a full TLS handshake (no session reuse,
 * so the HSM signs), then an HTTP GET through the SE to the pool. The error says which stage failed.
 * The certificate is shown, not verified: lab certificates are self-signed.
 */
export function probeVirtualService(options: ProbeOptions): Promise<ProbeResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let stage: "connect" | "handshake" | "http" = "connect";
    let done = false;
    const raw = net.connect({ host: options.vip, port: options.port });
    const finish = (result: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      raw.destroy();
      resolve(result);
    };
    const fail = (error: unknown) =>
      finish({
        ok: false,
        stage,
        error: error instanceof Error ? error.message : String(error),
        elapsedMs: elapsed(),
      });
    const timer = setTimeout(
      () => fail(new Error(`timed out after ${options.timeoutMs} ms`)),
      options.timeoutMs,
    );
    raw.once("error", fail);
    raw.once("connect", () => {
      stage = "handshake";
      const socket = tls.connect({
        socket: raw,
        servername: options.serverName && !net.isIP(options.serverName) ? options.serverName : undefined,
        rejectUnauthorized: false,
      });
      socket.once("error", fail);
      socket.once("secureConnect", () => {
        const peer = socket.getPeerCertificate();
        const certificate: PresentedCertificate = {
          subject: dn(peer.subject),
          issuer: dn(peer.issuer),
          // As openssl and the certificate pages write it (AB:CD:…), so people can compare by eye.
          fingerprint256: peer.raw ? colonHex(createHash("sha256").update(peer.raw).digest("hex")) : "",
          notAfter: peer.valid_to ? new Date(peer.valid_to).toISOString() : "",
        };
        if (options.expectFingerprint256 && certificate.fingerprint256 !== options.expectFingerprint256) {
          fail(
            new Error(
              "the listener presented another certificate than the virtual service's: no request sent",
            ),
          );
          return;
        }
        const tlsVersion = socket.getProtocol() ?? "";
        const cipher = socket.getCipher()?.name ?? "";
        if (options.http === false) {
          finish({ ok: true, certificate, tlsVersion, cipher, elapsedMs: elapsed() });
          return;
        }
        stage = "http";
        const req = http.request(
          {
            createConnection: () => socket,
            host: options.serverName ?? options.vip,
            path: options.path ?? "/",
            method: "GET",
            headers: { Connection: "close" },
          },
          (res) => {
            let body = Buffer.alloc(0);
            res.on("data", (d: Buffer) => {
              if (body.length < 512) body = Buffer.concat([body, d]).subarray(0, 512);
            });
            res.on("end", () =>
              finish({
                ok: true,
                certificate,
                tlsVersion,
                cipher,
                httpStatus: res.statusCode ?? 0,
                body: body.toString("utf8"),
                elapsedMs: elapsed(),
              }),
            );
            res.on("error", fail);
          },
        );
        req.on("error", fail);
        req.end();
      });
    });
  });
}

function colonHex(hex: string): string {
  return hex.toUpperCase().replace(/(..)(?!$)/g, "$1:");
}
