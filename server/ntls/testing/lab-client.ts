import fs from "node:fs";
import path from "node:path";
import type { ApplianceInfo } from "@/lab";
import type { TestClient } from "@/lab/testing/clients";
import { type NtlsConnector, startNtlsConnector } from "../connector";
import { createClientCertificate } from "../self-signed";

/**
 * The console's NTLS client against lab appliances (integration tests): client identities made
 * as the console makes them, and the console's connector. The lab's own tests use lab/testing.
 */
export async function makeClient(
  name: string,
  opts: { notAfter?: Date; notBefore?: Date } = {},
): Promise<TestClient> {
  const made = await createClientCertificate({ name, ...opts });
  return { name, certPem: made.certPem, keyPem: made.keyPem };
}

export function connect(
  appliance: ApplianceInfo,
  client: TestClient,
  dir: string,
  serverCertPem = fs.readFileSync(appliance.serverPemPath, "utf8"),
): Promise<NtlsConnector> {
  return startNtlsConnector({
    host: appliance.ntls.host,
    port: appliance.ntls.port,
    serverCertPem,
    clientCertPem: client.certPem,
    clientKeyPem: client.keyPem,
    socketPath: path.join(
      dir,
      `${appliance.name}-${client.name}-${Math.random().toString(36).slice(2, 8)}.sock`,
    ),
    handshakeTimeoutMs: 3000,
  });
}
