import { type BenchConsole, startBenchConsole } from "./console-process";
import { percentile, report } from "./measure";

/**
 * keygen_load_api_p99_ratio: p99 latency of a cheap tRPC query (auth.status) on the real console
 * while 8 RSA-3072 keys are generated in the built-in SoftHSM group through the API, ÷ the same
 * p99 when idle. Started the way a user starts it (scripts/start.sh), on a private data folder.
 */
async function main(): Promise<void> {
  const c = await startBenchConsole();
  try {
    const { cookie } = c;
    const call = (procedure: string, input: unknown) =>
      c
        .request(`/api/trpc/${procedure}`, {
          method: "POST",
          headers: { "content-type": "application/json", origin: c.base, cookie },
          body: JSON.stringify(input),
        })
        .then((r) => JSON.parse(r.body.toString()) as { result?: { data: unknown }; error?: unknown });
    const get = async (procedure: string) => {
      const r = await c.request(`/api/trpc/${procedure}`, { headers: { cookie } });
      return (JSON.parse(r.body.toString()) as { result: { data: unknown } }).result.data;
    };
    const groups = (await get("certificates.hsmGroupChoices")) as { id: string; name: string }[];
    const local = groups.find((g) => g.name === "Local-SoftHSM");
    if (!local) throw new Error("Local-SoftHSM group not found");

    const idle = await sampleStatus(c, 300);
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
      loaded.push(...(await sampleStatus(c, 20)));
      const page = (await get("certificates.list?input=%7B%7D")) as { items: { status: string }[] };
      if (page.items.filter((i) => i.status === "creating").length === 0) break;
    }
    const keygenSeconds = (performance.now() - start) / 1000;
    report("keygen_load_api_idle_p99_ms", percentile(idle, 99));
    report("keygen_load_api_loaded_p99_ms", percentile(loaded, 99));
    report("keygen_load_api_p99_ratio", percentile(loaded, 99) / percentile(idle, 99));
    report("keygen_load_api_rsa3072_x8_seconds", keygenSeconds, 1);
  } finally {
    await c.stop();
  }
}

async function sampleStatus(c: BenchConsole, count: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = performance.now();
    await c.request("/api/trpc/auth.status", { headers: { cookie: c.cookie } });
    times.push(performance.now() - t);
  }
  return times;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
