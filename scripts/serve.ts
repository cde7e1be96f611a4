import next from "next";
import { env } from "../server/config/env";
import { createConsoleServer } from "../server/http/console-server";
import { UPLOAD_PATH } from "../server/http/body-limit";
import { handlePackageUpload } from "../server/http/package-upload";
import { ensureConsoleTls } from "../server/http/tls/console-certificate";

/**
 * The console's server: Next's request handler behind the console's own listener (HTTPS, plain
 * HTTP redirected, the client address from the socket; see server/http/console-server.ts).
 */
async function main(): Promise<void> {
  const { PORT: port, HOSTNAME: host, HSM_CONSOLE_TRUST_PROXY: trustProxy } = env();
  const tls = await ensureConsoleTls();
  const app = next({ dev: false, dir: process.cwd(), port, hostname: "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();
  const server = createConsoleServer({
    certPem: tls.certPem,
    keyPem: tls.keyPem,
    trustProxy,
    handle: (req, res) => void handle(req, res),
    // Uploads bypass Next's body adapter, which buffers the whole body (see web-bridge.ts).
    webRoutes: { [UPLOAD_PATH]: (req) => handlePackageUpload(req) },
  });
  server.listener.listen(port, host, () =>
    console.log(`[hsm-console] listening on https://localhost:${port}`),
  );
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
