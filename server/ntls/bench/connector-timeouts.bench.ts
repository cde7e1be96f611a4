/**
 * When the NTLS connector really cuts a link, on the system clock: a peer that accepts TCP and
 * never finishes the TLS handshake, and one that completes TLS and never answers a request, each
 * against a 300 ms limit. The tests check the same behaviour with a manual clock; the figures are here.
 * Run: node --import tsx server/ntls/bench/connector-timeouts.bench.ts
 */
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { startNtlsConnector } from "../connector";
import { createClientCertificate, createSelfSigned } from "../self-signed";

const LIMIT_MS = 300;

/** Writes one request through the connector; resolves with the ms until the local socket closed. */
function closedAfter(socketPath: string): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const s = net.connect(socketPath);
    s.on("error", () => undefined);
    s.on("close", () => resolve(performance.now() - t0));
    s.write("request");
  });
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "ntls-bench-"));
  const server = await createSelfSigned({ commonName: "appliance", ips: ["127.0.0.1"] });
  const client = await createClientCertificate({ name: "bench" });
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => held.push(s));
  const mute = tls.createServer(
    { key: server.keyPem, cert: server.certPem, requestCert: true, rejectUnauthorized: false },
    (s) => s.resume(),
  );
  const listen = (srv: net.Server) =>
    new Promise<number>((r) => srv.listen(0, "127.0.0.1", () => r((srv.address() as net.AddressInfo).port)));
  try {
    const lines: Array<[string, number, Partial<Parameters<typeof startNtlsConnector>[0]>]> = [
      ["ntls_handshake_timeout_close_ms", await listen(silent), { handshakeTimeoutMs: LIMIT_MS }],
      ["ntls_answer_timeout_close_ms", await listen(mute), { idleTimeoutMs: LIMIT_MS }],
    ];
    for (const [name, port, limits] of lines) {
      const connector = await startNtlsConnector({
        host: "127.0.0.1",
        port,
        serverCertPem: server.certPem,
        clientCertPem: client.certPem,
        clientKeyPem: client.keyPem,
        socketPath: path.join(dir, `${name}.sock`),
        ...limits,
      });
      const samples: number[] = [];
      for (let i = 0; i < 5; i++) samples.push(await closedAfter(connector.socketPath));
      await connector.close();
      samples.sort((a, b) => a - b);
      console.log(`${name}: ${samples[2]!.toFixed(0)}`);
    }
    console.log(`ntls_timeout_limit_ms: ${LIMIT_MS}`);
  } finally {
    for (const s of held) s.destroy();
    silent.close();
    mute.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
