import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { percentile, report } from "./measure";

/**
 * keygen_load_api_p99_ratio: p99 latency of a cheap tRPC query (auth.status) on the real console
 * while 8 RSA-3072 keys are generated in the built-in SoftHSM group through the API, ÷ the same
 * p99 when idle. Started the way a user starts it (scripts/start.sh), on a private data folder.
 */
const PORT = 20_000 + Math.floor(Math.random() * 20_000);
const BASE = `http://127.0.0.1:${PORT}`;
const PASSWORD = "bench-admin-password";

async function main(): Promise<void> {
  const data = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-bench-"));
  const server = spawn("bash", ["scripts/start.sh"], {
    env: {
      ...process.env,
      PORT: String(PORT),
      HSM_CONSOLE_DATA: data,
      LAB_APPLIANCES: "0",
      HSM_CONSOLE_ECHO_PORT: "0",
    },
    stdio: "ignore",
    detached: true,
  });
  try {
    await waitFor(() => fetch(`${BASE}/login`).then((r) => r.ok), 600_000);
    const cookie = await signIn(data);
    const call = (procedure: string, input: unknown) =>
      fetch(`${BASE}/api/trpc/${procedure}`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: BASE, cookie },
        body: JSON.stringify(input),
      }).then((r) => r.json() as Promise<{ result?: { data: unknown }; error?: unknown }>);
    const get = async (procedure: string) => {
      const r = await fetch(`${BASE}/api/trpc/${procedure}`, { headers: { cookie } });
      return ((await r.json()) as { result: { data: unknown } }).result.data;
    };
    const groups = (await get("certificates.hsmGroupChoices")) as { id: string; name: string }[];
    const local = groups.find((g) => g.name === "Local-SoftHSM");
    if (!local) throw new Error("Local-SoftHSM group not found");

    const idle = await sampleStatus(cookie, 300);
    const created = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call("certificates.create", {
          name: `bench-${i}`,
          type: "self-signed",
          hsmGroupId: local.id,
          key: "RSA-3072",
          commonName: `bench-${i}.example`,
          validityDays: 30,
        }),
      ),
    );
    if (created.some((c) => c.error))
      throw new Error(`create failed: ${JSON.stringify(created.find((c) => c.error))}`);
    const loaded: number[] = [];
    const start = performance.now();
    while (performance.now() - start < 120_000) {
      loaded.push(...(await sampleStatus(cookie, 20)));
      const page = (await get("certificates.list?input=%7B%7D")) as { items: { status: string }[] };
      if (page.items.filter((i) => i.status === "creating").length === 0) break;
    }
    const keygenSeconds = (performance.now() - start) / 1000;
    report("keygen_load_api_idle_p99_ms", percentile(idle, 99));
    report("keygen_load_api_loaded_p99_ms", percentile(loaded, 99));
    report("keygen_load_api_p99_ratio", percentile(loaded, 99) / percentile(idle, 99));
    report("keygen_load_api_rsa3072_x8_seconds", keygenSeconds, 1);
  } finally {
    if (server.pid) process.kill(-server.pid, "SIGTERM");
    await new Promise((r) => setTimeout(r, 2000));
    fs.rmSync(data, { recursive: true, force: true });
  }
}

async function sampleStatus(cookie: string, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await fetch(`${BASE}/api/trpc/auth.status`, { headers: { cookie } }).then((r) => r.arrayBuffer());
    times.push(performance.now() - t);
  }
  return times;
}

async function signIn(data: string): Promise<string> {
  const setupToken = fs.readFileSync(path.join(data, "setup-token"), "utf8").trim();
  const r = await fetch(`${BASE}/api/trpc/auth.setup`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: BASE },
    body: JSON.stringify({ setupToken, username: "admin", password: PASSWORD, confirmPassword: PASSWORD }),
  });
  const cookie = r.headers.get("set-cookie")?.split(";")[0];
  if (!cookie) throw new Error(`setup failed: ${r.status}`);
  return cookie;
}

async function waitFor(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("the console did not start");
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
