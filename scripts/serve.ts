import next from "next";
import { env } from "../server/config/env";
import { getDb } from "../server/db";
import { type ConsoleFront, startConsoleFront } from "../server/http/console-front";
import { createConsoleServer } from "../server/http/console-server";
import { allowedOrigins } from "../server/http/origins";
import { consoleWebRoute } from "../server/http/web-routes";
import { ensureConsoleTls } from "../server/http/tls/console-certificate";
import { errorFields, log } from "../server/observability/logger";
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
    // Uploads and REST bypass Next (see server/http/web-routes.ts).
    webRoutes: consoleWebRoute,
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
    log("hsm-console").error(`HTTPS falls back to the file certificate: ${fallback}`);
  }
  if (front) {
    writeFrontState({
      serving: "hsm",
      certificateId: front.certificateId,
      fingerprint: front.fingerprint,
      reason: "",
      since,
    });
    log("hsm-console").info(`HTTPS key in Local-SoftHSM, certificate SHA-256 ${front.fingerprint}`);
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
  server.listener.listen(port, host, () => log("hsm-console").info(`listening on https://localhost:${port}`));
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error) => {
  log("hsm-console").fatal({ ...errorFields(error, true), msg: "the server did not start" });
  process.exit(1);
});
