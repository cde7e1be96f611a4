/**
 * How long a call to a hung network HSM (p11-kit server stopped with SIGSTOP) takes to fail with
 * HSM_TIMEOUT, against its 1 s timeout, and how long the next call takes (new worker + login
 * restored). The tests check the order of events with a manual clock; the figures are here.
 * Run: node --import tsx server/pkcs11/bench/hung-call.bench.ts
 */
import path from "node:path";
import { clientFor, P11KitServer, softHsmFixture, USER_PIN } from "../testing/fixtures";

const TIMEOUT_MS = 1_000;

async function main(): Promise<void> {
  const hsm = await softHsmFixture(["hung"]);
  const token = { label: "hung" };
  const server = new P11KitServer(path.join(hsm.dir, "hung.sock"), hsm.confPath, token.label);
  await server.start();
  const client = clientFor({ name: "hung", socketPath: server.socketPath, timeoutMs: TIMEOUT_MS });
  try {
    await client.login(token, USER_PIN);
    await client.generateKeyPair({ token, idHex: "0a", label: "k", spec: { type: "EC", curve: "P-256" } });
    const sign = () =>
      client.sign({ token, idHex: "0a", algorithm: "ECDSA", hash: "SHA-256", data: Buffer.from("ping") });
    await sign();
    server.signal("SIGSTOP");
    const t0 = performance.now();
    const code = await sign().then(
      () => "answered",
      (e: { code?: string }) => e.code,
    );
    const failedAfter = performance.now() - t0;
    server.signal("SIGCONT");
    const t1 = performance.now();
    await sign();
    const recoveredAfter = performance.now() - t1;
    console.log(`pkcs11_hung_call_outcome_is_timeout: ${code === "HSM_TIMEOUT" ? 1 : 0}`);
    console.log(`pkcs11_hung_call_fails_after_ms: ${failedAfter.toFixed(0)}`);
    console.log(`pkcs11_hung_call_over_timeout_ms: ${(failedAfter - TIMEOUT_MS).toFixed(0)}`);
    console.log(`pkcs11_call_after_hung_worker_ms: ${recoveredAfter.toFixed(0)}`);
  } finally {
    await client.connection.close();
    await server.kill();
    await hsm.cleanup();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
