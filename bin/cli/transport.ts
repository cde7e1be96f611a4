import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import tls from "node:tls";
import { CliError } from "./errors";

/**
 * How the CLI trusts the console's certificate: the system's CAs, a CA file (`--ca`), or the
 * console's own certificate pinned by its SHA-256 fingerprint (`--fingerprint`, printed in the
 * console's start log). Verification is never switched off.
 */
export interface Trust {
  caFile?: string;
  fingerprint?: string;
}

export interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

export interface Outgoing {
  method: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** One request; plain http:// only for a console behind a local TLS-terminating proxy. */
export async function send(url: URL, out: Outgoing, trust: Trust = {}): Promise<Answer> {
  const options: https.RequestOptions = {
    method: out.method,
    headers: {
      ...out.headers,
      ...(out.body === undefined ? {} : { "content-length": String(Buffer.byteLength(out.body)) }),
    },
  };
  if (url.protocol === "https:") Object.assign(options, await tlsOptions(url, trust));
  return new Promise((resolve, reject) => {
    const req = (url.protocol === "https:" ? https : http).request(url, options, (res) => {
      const parts: Buffer[] = [];
      res.on("data", (d: Buffer) => parts.push(d));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }),
      );
      res.on("error", reject);
    });
    req.on("error", (error) => reject(explain(error, url)));
    req.end(out.body);
  });
}

const pinned = new Map<string, string>();

async function tlsOptions(url: URL, trust: Trust): Promise<https.RequestOptions> {
  if (trust.fingerprint) {
    const pin = normalise(trust.fingerprint);
    const key = `${url.host}|${pin}`;
    if (!pinned.has(key)) pinned.set(key, await pinnedCertificate(url, pin));
    // The pinned certificate is the only trust anchor, and the presented one must be it exactly
    // (the name check is replaced by the exact match: the pin names the certificate itself).
    return {
      ca: pinned.get(key),
      checkServerIdentity: (_host, cert) =>
        normalise(cert.fingerprint256) === pin ? undefined : new Error("certificate fingerprint mismatch"),
      agent: false,
    };
  }
  if (trust.caFile) {
    try {
      return { ca: fs.readFileSync(trust.caFile, "utf8"), agent: false };
    } catch (error) {
      throw new CliError(`Cannot read the CA file ${trust.caFile}: ${(error as Error).message}`, 2);
    }
  }
  return {};
}

/** Reads the certificate the console presents and keeps it only if it is the pinned one. */
function pinnedCertificate(url: URL, pin: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: url.hostname.replace(/^\[|\]$/g, ""),
      port: Number(url.port || 443),
      servername: net(url.hostname) ? undefined : url.hostname,
      // Only to read the certificate; nothing is sent on this connection.
      rejectUnauthorized: false,
    });
    socket.once("secureConnect", () => {
      const cert = socket.getPeerX509Certificate();
      socket.destroy();
      if (!cert) return reject(new CliError(`The console at ${url.host} presented no certificate.`));
      const seen = normalise(cert.fingerprint256);
      if (seen !== pin) {
        return reject(
          new CliError(
            `The console at ${url.host} presented certificate SHA-256 ${seen}, not the pinned ${pin}. ` +
              "Check the fingerprint in the console's start log; if the console's certificate changed, log in again with the new one.",
          ),
        );
      }
      resolve(cert.toString());
    });
    socket.once("error", (error) => reject(explain(error, url)));
  });
}

function net(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":") || host.startsWith("[");
}

/** "AB:cd:…" or "abcd…" → "AB:CD:…", as node and the start log print it. */
export function normalise(fingerprint: string): string {
  const hex = fingerprint
    .replace(/^sha-?256\s*/i, "")
    .replace(/[^0-9a-f]/gi, "")
    .toUpperCase();
  return hex.match(/../g)?.join(":") ?? "";
}

function explain(error: Error & { code?: string }, url: URL): Error {
  const untrusted = [
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "ERR_TLS_CERT_ALTNAME_INVALID",
  ];
  if (error.code && untrusted.includes(error.code)) {
    return new CliError(
      `The console's certificate at ${url.host} is not trusted (${error.code}). Pass --fingerprint ` +
        "SHA256 (printed in the console's start log) or --ca FILE (e.g. <data>/tls/console.crt).",
    );
  }
  return new CliError(`Cannot reach the console at ${url.origin}: ${error.message}`);
}
