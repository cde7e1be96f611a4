import fs from "node:fs";
import { parseArgs } from "node:util";
import { startNtlsConnector } from "./connector";

/**
 * Runnable NTLS connector for consumers that are not Node (nginx, pkcs11-tool, openssl):
 *   node --import tsx server/ntls/connector-cli.ts --host 127.0.0.11 --port 1792 \
 *     --server-cert hsm1.pem --client-cert me.pem --client-key meKey.pem --socket /run/x.sock
 * Each flag may also come from the environment (NTLS_HOST, NTLS_PORT, NTLS_SERVER_CERT,
 * NTLS_CLIENT_CERT, NTLS_CLIENT_KEY, NTLS_SOCKET, NTLS_HANDSHAKE_TIMEOUT_MS, NTLS_IDLE_TIMEOUT_MS).
 * Prints "ready <socket>" once listening, so a supervisor can wait for that line instead of sleeping.
 */
const { values } = parseArgs({
  options: {
    host: { type: "string" },
    port: { type: "string" },
    "server-cert": { type: "string" },
    "client-cert": { type: "string" },
    "client-key": { type: "string" },
    socket: { type: "string" },
    "handshake-timeout-ms": { type: "string" },
    "idle-timeout-ms": { type: "string" },
  },
});

function need(flag: keyof typeof values, env: string): string {
  const v = values[flag] ?? process.env[env];
  if (typeof v !== "string" || v === "") {
    console.error(`connector: --${flag} (or ${env}) is required`);
    process.exit(2);
  }
  return v;
}

function optionalNumber(flag: keyof typeof values, env: string): number | undefined {
  const v = values[flag] ?? process.env[env];
  return typeof v === "string" && v !== "" ? Number(v) : undefined;
}

async function main(): Promise<void> {
  const handshakeTimeoutMs = optionalNumber("handshake-timeout-ms", "NTLS_HANDSHAKE_TIMEOUT_MS");
  const idleTimeoutMs = optionalNumber("idle-timeout-ms", "NTLS_IDLE_TIMEOUT_MS");
  const connector = await startNtlsConnector({
    host: need("host", "NTLS_HOST"),
    port: Number(need("port", "NTLS_PORT")),
    serverCertPem: fs.readFileSync(need("server-cert", "NTLS_SERVER_CERT"), "utf8"),
    clientCertPem: fs.readFileSync(need("client-cert", "NTLS_CLIENT_CERT"), "utf8"),
    clientKeyPem: fs.readFileSync(need("client-key", "NTLS_CLIENT_KEY"), "utf8"),
    socketPath: need("socket", "NTLS_SOCKET"),
    ...(handshakeTimeoutMs !== undefined ? { handshakeTimeoutMs } : {}),
    ...(idleTimeoutMs !== undefined ? { idleTimeoutMs } : {}),
  });
  console.log(`ready ${connector.socketPath}`);
  const stop = () => void connector.close().then(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
  console.error(`connector: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
