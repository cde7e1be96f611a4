import next from "next";
import { AVI_WEB_ROUTES } from "../server/avi/web-routes";
import { env } from "../server/config/env";
import { getDb } from "../server/db";
import { UPLOAD_PATH } from "../server/http/body-limit";
import { type ConsoleFront, startConsoleFront } from "../server/http/console-front";
import { createConsoleServer } from "../server/http/console-server";
import { allowedOrigins } from "../server/http/origins";
import { handlePackageUpload } from "../server/http/package-upload";
import { ensureConsoleTls } from "../server/http/tls/console-certificate";
import { writeFrontState } from "../server/services/console-tls/front-files";

/**
 * The console's server: Next's request handler behind the console's own listener (HTTPS, plain
 * HTTP redirected, the client address from the socket; see server/http/console-server.ts), or,
 * when an admin chose a certificate whose key is in Local-SoftHSM, behind an HSM-keyed front
 * (server/http/console-front.ts). A front that cannot start falls back to the file certificate
 * so that the console stays reachable.
 */
async function main(): Promise<void> {
  const { PORT: port, HOSTNAME: host, HSM_CONSOLE_TRUST_PROXY: trustProxy } = env();
  const tls = await ensureConsoleTls();
  const app = next({ dev: false, dir: process.cwd(), port, hostname: "localhost" });
  const handle = app.getRequestHandler();
  await app.prepare();
  const routes = {
    handle: (req: Parameters<typeof handle>[0], res: Parameters<typeof handle>[1]) => void handle(req, res),
    // Uploads bypass Next's body adapter, which buffers the whole body (see web-bridge.ts).
    webRoutes: { [UPLOAD_PATH]: (req: Request) => handlePackageUpload(req), ...AVI_WEB_ROUTES },
  };
  const since = new Date().toISOString();
  let front: ConsoleFront | null = null;
  let fallback = "";
  try {
    front = await startConsoleFront(await getDb(), {
      host,
      port,
      redirectTo: [...allowedOrigins()][0]!,
      ...routes,
    });
  } catch (error) {
    fallback = `the chosen HSM key could not serve: ${(error as Error).message}`;
    console.error(`[hsm-console] HTTPS falls back to the file certificate: ${fallback}`);
  }
  if (front) {
    writeFrontState({
      serving: "hsm",
      certificateId: front.certificateId,
      fingerprint: front.fingerprint,
      reason: "",
      since,
    });
    console.log(`[hsm-console] HTTPS key in Local-SoftHSM, certificate SHA-256 ${front.fingerprint}`);
    const stop = () => void front!.stop().finally(() => process.exit(0));
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    return;
  }
  writeFrontState({
    serving: "file",
    certificateId: null,
    fingerprint: tls.fingerprint,
    reason: fallback,
    since,
  });
  const server = createConsoleServer({ certPem: tls.certPem, keyPem: tls.keyPem, trustProxy, ...routes });
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
