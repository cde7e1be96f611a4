import { randomBytes } from "node:crypto";
import type http from "node:http";
import type { AddressInfo } from "node:net";
import type { Db } from "@/server/db";
import { ServiceEngine } from "@/server/dataplane";
import { readFrontChoice } from "@/server/services/console-tls/front-files";
import { consoleFrontSpec } from "@/server/services/console-tls/front-spec";
import { openDataDirToServiceEngines } from "@/server/services/service-engines/traversable";
import { createFrontedServer, type NodeHandler } from "./console-server";
import type { WebRouter } from "./web-bridge";

export interface ConsoleFront {
  certificateId: string;
  fingerprint: string;
  /** The loopback listener behind the front (for diagnostics and tests). */
  upstreamPort: number;
  stop(): Promise<void>;
}

const SECRET_HEADER = "x-hsm-console-front";

/**
 * Serves the console's HTTPS with the key an admin chose in Local-SoftHSM (Administration >
 * Settings > Console certificate): an SE (nginx + PKCS#11 engine, as for every virtual service)
 * on the console's address, forwarding to a loopback listener that only answers the front.
 * Null when no key was chosen; throws when the chosen one cannot serve (the caller falls back).
 */
export async function startConsoleFront(
  db: Db,
  options: {
    host: string;
    port: number;
    redirectTo: string;
    handle: NodeHandler;
    webRoutes?: WebRouter;
  },
): Promise<ConsoleFront | null> {
  const choice = readFrontChoice();
  if (!choice) return null;
  openDataDirToServiceEngines();
  const secret = randomBytes(32).toString("base64url");
  const inner = createFrontedServer({ ...options, secretHeader: SECRET_HEADER, secret });
  await new Promise<void>((resolve, reject) => inner.once("error", reject).listen(0, "127.0.0.1", resolve));
  let engine: ServiceEngine | null = null;
  try {
    const upstreamPort = (inner.address() as AddressInfo).port;
    const { spec, fingerprint } = await consoleFrontSpec(db, choice, {
      host: options.host,
      port: options.port,
      upstreamPort,
      front: { secretHeader: SECRET_HEADER, secret, redirectTo: options.redirectTo },
    });
    engine = new ServiceEngine(spec);
    await engine.start();
    const running = engine;
    return {
      certificateId: choice.certificateId,
      fingerprint,
      upstreamPort,
      async stop() {
        await running.stop();
        await closeServer(inner);
      },
    };
  } catch (error) {
    await engine?.stop().catch(() => {});
    await closeServer(inner);
    throw error;
  }
}

function closeServer(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
