import path from "node:path";
import { dataDir } from "@/server/config/env";
import type { Db } from "@/server/db";
import type { ConsoleFrontOptions, ServiceEngineSpec } from "@/server/dataplane";
import { localModuleAccess } from "../service-engines/build-spec";
import { consoleCertificate } from "./console-certificates";
import type { FrontChoice } from "./front-files";

export const CONSOLE_FRONT_NAME = "console-front";

export interface FrontListen {
  /** The console's public address and port (HOSTNAME, PORT). */
  host: string;
  port: number;
  /** The console's loopback listener the front forwards to. */
  upstreamPort: number;
  front: ConsoleFrontOptions;
}

/**
 * The console's own HTTPS as a service engine: one virtual service on the console's address whose
 * key is the chosen certificate's key in Local-SoftHSM, reached through the same p11-kit and
 * PKCS#11 engine path as every SE, forwarding to the console's loopback listener.
 */
export async function consoleFrontSpec(
  db: Db,
  choice: FrontChoice,
  listen: FrontListen,
): Promise<{ spec: ServiceEngineSpec; fingerprint: string }> {
  const { cert, group } = await consoleCertificate(db, null, choice.certificateId);
  const spec: ServiceEngineSpec = {
    name: CONSOLE_FRONT_NAME,
    dataDir: path.join(dataDir(), CONSOLE_FRONT_NAME),
    hsm: await localModuleAccess(db, group),
    virtualServices: [
      {
        id: "console",
        name: "HSM Console",
        vip: listen.host,
        ports: [{ port: listen.port, ssl: true }],
        certificatePem: cert.certificatePem!,
        chainPem: cert.chainPem ?? undefined,
        keyUri: cert.keyUri!,
        pool: [{ host: "127.0.0.1", port: listen.upstreamPort }],
        front: listen.front,
      },
    ],
  };
  return { spec, fingerprint: cert.fingerprintSha256 ?? "" };
}
