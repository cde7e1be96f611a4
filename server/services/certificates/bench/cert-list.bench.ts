/**
 * cert_list_10k_ratio: time of the certificate list (first page, sorted by expiry) with 10,000
 * certificates ÷ with 10, each in its own in-memory PGlite database, rows inserted directly, then
 * VACUUM ANALYZE as the console does on its PGlite database (see server/db/pglite-maintenance.ts).
 * Both databases stay open and the two lists are timed alternately, so that load from other
 * processes on a shared machine falls on both sides of the ratio alike (medians of RUNS each).
 * Calls the list service (the procedure is a one-line wrapper; the router imports "server-only",
 * which refuses to load outside Next). Prints `name: value` lines; never fails on a figure.
 * Run: node --import tsx server/services/certificates/bench/cert-list.bench.ts
 */
import { openDb } from "@/server/db/client";
import { sslCertificates, tenants } from "@/server/db/schema";
import type { Actor } from "../../actor";
import { listCertificates } from "../list-certificates";

const RUNS = 200;
const input = { page: 1, pageSize: 25, sort: "expiry" as const, direction: "asc" as const };

async function seeded(count: number) {
  const handle = await openDb({ pgliteDir: "memory://" });
  const [tenant] = await handle.db.insert(tenants).values({ name: "bench" }).returning();
  const now = Date.now();
  for (let start = 0; start < count; start += 1000) {
    const rows = Array.from({ length: Math.min(1000, count - start) }, (_, i) => {
      const n = start + i;
      return {
        tenantId: tenant!.id,
        name: `cert-${String(n).padStart(6, "0")}`,
        type: "self-signed" as const,
        status: "active" as const,
        keyAlgorithm: "EC" as const,
        keyBits: 256,
        keyCurve: "P-256",
        keyOrigin: "generated" as const,
        subjectCn: `host${n}.example.com`,
        subjectAltNames: { dns: [`host${n}.example.com`], ip: [] },
        issuer: `CN=host${n}.example.com`,
        notBefore: new Date(now - 86_400_000),
        notAfter: new Date(now + ((n * 7919) % 3650) * 86_400_000),
      };
    });
    await handle.db.insert(sslCertificates).values(rows);
  }
  // A console's database is maintained (autovacuum on PostgreSQL, the console's own VACUUM
  // ANALYZE on PGlite): measure the list as it runs there, not on a never-analyzed table.
  await handle.maintain();
  const actor: Actor = {
    userId: "bench",
    username: "bench",
    role: "admin",
    tenantId: tenant!.id,
    tenantName: "bench",
    address: null,
  };
  return { list: () => listCertificates(handle.db, actor, input), close: () => handle.close() };
}

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function main(): Promise<void> {
  const small = await seeded(10);
  const large = await seeded(10_000);
  // Warms the WASM engine, the JIT and both databases' caches.
  for (let i = 0; i < 50; i++) await Promise.all([small.list(), large.list()]);
  const times = { small: [] as number[], large: [] as number[] };
  for (let i = 0; i < RUNS; i++) {
    for (const side of ["small", "large"] as const) {
      const started = performance.now();
      await (side === "small" ? small : large).list();
      times[side].push(performance.now() - started);
    }
  }
  await Promise.all([small.close(), large.close()]);
  const [smallMs, largeMs] = [median(times.small), median(times.large)];
  console.log(`cert_list_10_ms: ${smallMs.toFixed(2)}`);
  console.log(`cert_list_10k_ms: ${largeMs.toFixed(2)}`);
  console.log(`cert_list_10k_ratio: ${(largeMs / smallMs).toFixed(2)}`);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 0;
});
