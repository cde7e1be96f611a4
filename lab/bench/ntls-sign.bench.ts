import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { startLab } from "@/lab";
import { SOFTHSM_MODULE } from "../appliance/softhsm";
import { makeClient, openNtlsLink, uploadCert } from "../testing/clients";
import { p11Script } from "../testing/pkcs11";
import { tempDir } from "../testing/run";

/**
 * ECDSA P-256 and RSA-2048 signatures per second, one sequential client: SoftHSM loaded directly versus
 * through the NTLS path (p11-kit-client → the lab's test NTLS link → mTLS → front → p11-kit remote → SoftHSM).
 * Prints `name: value` lines; the ratio is the number that matters (same run, same machine).
 *   node --import tsx lab/bench/ntls-sign.bench.ts [count]
 */
const HANDSHAKE_LIMIT_MS = 1000;

/** How long the front keeps a peer that connects and never starts TLS (the lab test checks the log). */
function silentPeerDropped(ntls: { host: string; port: number }): Promise<number> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const socket = net.connect(ntls.port, ntls.host);
    socket.on("error", () => undefined);
    socket.once("close", () => resolve(performance.now() - t0));
  });
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 2000);
  const dir = tempDir("lab-bench");
  const lab = await startLab({
    dataDir: dir,
    handshakeTimeoutMs: HANDSHAKE_LIMIT_MS,
    appliances: [
      { name: "hsm1", host: "127.0.85.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
    ],
  });
  try {
    const hsm = lab.appliances[0]!;
    const pin = hsm.partitions[0]!.password;
    const client = await makeClient("bench");
    uploadCert(hsm, client);
    await lab.lunash("hsm1", "client register -c bench -i 10.0.0.99");
    await lab.lunash("hsm1", "client assignPartition -c bench -p par43");
    console.log(`lab_front_silent_peer_dropped_ms: ${(await silentPeerDropped(hsm.ntls)).toFixed(0)}`);
    console.log(`lab_front_handshake_limit_ms: ${HANDSHAKE_LIMIT_MS}`);
    const conn = await openNtlsLink(hsm, client, dir);
    try {
      for (const [type, idHex, n] of [
        ["EC", "b0", count],
        ["RSA", "b1", Math.ceil(count / 4)],
      ] as const) {
        const base = { token: "par43", pin, idHex, type };
        await p11Script(conn.socketPath, { ...base, op: "genkey" });
        const viaNtls = Number(
          (await p11Script(conn.socketPath, { ...base, op: "bench", count: n })).perSecond,
        );
        process.env.SOFTHSM2_CONF = path.join(hsm.dir, "softhsm2.conf");
        const direct = Number(
          (await p11Script(conn.socketPath, { ...base, op: "bench", count: n, module: SOFTHSM_MODULE }))
            .perSecond,
        );
        const name = type === "EC" ? "ecdsa_p256" : "rsa2048_sha256";
        console.log(`${name}_sign_direct_per_s: ${direct}`);
        console.log(`${name}_sign_ntls_per_s: ${viaNtls}`);
        console.log(`${name}_ntls_over_direct_ratio: ${(viaNtls / direct).toFixed(2)}`);
      }
    } finally {
      await conn.close();
    }
  } finally {
    await lab.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
