import https from "node:https";

/** One GET of /readyz: its status, or 0 when nothing answers yet. */
function probe(host: string, port: number): Promise<number> {
  return new Promise((resolve) => {
    // Only the status is read, from this machine's own console: its certificate (often
    // self-signed on first start) is not what is being checked here.
    const req = https.get(
      { host, port, path: "/readyz", rejectUnauthorized: false, timeout: 3_000 },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(0));
  });
}

/**
 * Polls the console's /readyz until it answers 200 (true), `alive()` turns false or `timeoutMs`
 * passes (false). The address the console listens on, with a wildcard meaning this machine.
 */
export async function waitUntilReady(
  listenHost: string,
  port: number,
  options: { timeoutMs: number; alive: () => boolean; intervalMs?: number },
): Promise<boolean> {
  const host = listenHost === "0.0.0.0" || listenHost === "::" ? "127.0.0.1" : listenHost;
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && options.alive()) {
    if ((await probe(host, port)) === 200) return true;
    await new Promise((r) => setTimeout(r, options.intervalMs ?? 500));
  }
  return false;
}
