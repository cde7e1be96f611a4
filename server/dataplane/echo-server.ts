import http from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoServer {
  host: string;
  port: number;
  name: string;
  close(): Promise<void>;
}

/**
 * A tiny pool server so that a newcomer has something to put behind a virtual service: answers
 * every request with a small JSON naming itself and echoing the request line.
 */
export function startEchoServer(options: { host: string; port: number; name?: string }): Promise<EchoServer> {
  const name = options.name ?? `echo-${options.host}:${options.port}`;
  const server = http.createServer((req, res) => {
    const body = JSON.stringify({
      server: name,
      method: req.method,
      path: req.url,
      host: req.headers.host ?? null,
      forwardedProto: req.headers["x-forwarded-proto"] ?? null,
    });
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  server.keepAliveTimeout = 5000;
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      const address = server.address() as AddressInfo;
      resolve({
        host: options.host,
        port: address.port,
        name,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}
