import http from "node:http";
import next from "next";
import { PEER_HEADER, peerAddress } from "../server/http/peer-address";

/**
 * The console's HTTP server: Next's request handler behind a plain Node server, so that the
 * client address comes from the socket (Next itself keeps a client-sent X-Forwarded-For).
 */
async function main(): Promise<void> {
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOSTNAME ?? "0.0.0.0";
  const trustProxy = process.env.HSM_CONSOLE_TRUST_PROXY === "1";
  const app = next({ dev: false, dir: process.cwd(), port, hostname: "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = http.createServer((req, res) => {
    req.headers[PEER_HEADER] = peerAddress(req.headers, req.socket.remoteAddress, trustProxy);
    void handle(req, res);
  });
  server.listen(port, host, () => console.log(`[hsm-console] listening on http://localhost:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
