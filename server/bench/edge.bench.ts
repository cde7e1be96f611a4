import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { openDb } from "@/server/db/client";
import { tenants, users } from "@/server/db/schema";
import { header } from "@/server/packages/testing/tar";
import { listUsers } from "@/server/services/users/list-users";
import { type BenchConsole, rssMb, startBenchConsole } from "./console-process";
import { opsPerSecond, report } from "./measure";

/**
 * The console's edge under load, on the real console (scripts/start.sh):
 * - rss_growth_after_4_parallel_250mb_uploads_mb: the serving process's resident memory after
 *   four parallel 250 MB HSM package uploads, minus before (uploads are spooled to disk);
 * - rest_list_rps_ratio: GET /api/user through the whole stack (HTTPS, guard, REST, tRPC
 *   procedure) with 50 clients ÷ the same service call (listUsers) behind a bare node:http server
 *   on the same database, also with 50 clients.
 */
const SECONDS = Number(process.env.BENCH_EDGE_SECONDS ?? 10);
const CLIENTS = 50;
/** BENCH_EDGE_UPLOAD_MB: smaller uploads on a busy machine (the line's name says the size). */
const UPLOAD_MB = Number(process.env.BENCH_EDGE_UPLOAD_MB ?? 250);
const UPLOAD_BYTES = UPLOAD_MB * 1_000_000;

async function main(): Promise<void> {
  const tar = process.env.BENCH_EDGE_UPLOADS === "0" ? "" : writeSafenetTar(UPLOAD_BYTES);
  const c = await startBenchConsole();
  let stackRps = Number.NaN;
  try {
    const token = await apiToken(c);
    const auth = { authorization: `Bearer ${token}` };
    for (let i = 0; i < 20; i++) {
      await c.request("/api/user", {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({
          username: `bench-user-${i}`,
          password: "bench-user-password",
          role: "read-only",
        }),
      });
    }
    stackRps = await opsPerSecond(() => c.request("/api/user", { headers: auth }), SECONDS, CLIENTS);
    report("rest_list_rps_stack", stackRps, 0);

    // BENCH_EDGE_UPLOADS=0: the list ratio only (on a machine too busy for 1 GB of uploads).
    if (process.env.BENCH_EDGE_UPLOADS !== "0") {
      const small = writeSafenetTar(200_000);
      await upload(c, auth, small); // warms the path
      fs.rmSync(small);
      const pid = c.serverPid();
      const before = rssMb(pid);
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 200);
      const answers = await Promise.all(Array.from({ length: 4 }, () => upload(c, auth, tar)));
      clearInterval(sampler);
      if (answers.some((s) => s !== 201)) throw new Error(`uploads answered ${answers.join(", ")}`);
      await new Promise((r) => setTimeout(r, 3000));
      report(`rss_growth_after_4_parallel_${UPLOAD_MB}mb_uploads_mb`, rssMb(pid) - before, 0);
      report(`rss_peak_growth_during_4_parallel_${UPLOAD_MB}mb_uploads_mb`, peak - before, 0);
    }
  } finally {
    await c.stop(true);
    if (tar) fs.rmSync(tar, { force: true });
  }
  try {
    const bareRps = await bareListRps(c.data);
    report("rest_list_rps_bare", bareRps, 0);
    report("rest_list_rps_ratio", stackRps / bareRps);
  } finally {
    fs.rmSync(c.data, { recursive: true, force: true });
  }
}

async function apiToken(c: BenchConsole): Promise<string> {
  const r = await c.request("/api/apitoken", {
    method: "POST",
    headers: { cookie: c.cookie, origin: c.base, "content-type": "application/json" },
    body: JSON.stringify({ name: "bench", role: "admin", expiresInDays: 1 }),
  });
  return (JSON.parse(r.body.toString()) as { secret: string }).secret;
}

async function upload(c: BenchConsole, auth: Record<string, string>, file: string): Promise<number> {
  const r = await c.request("/api/fileservice/hsmpackages?hsmtype=safenet&filename=safenet.tar", {
    method: "POST",
    headers: {
      ...auth,
      "content-type": "application/x-tar",
      "content-length": String(fs.statSync(file).size),
    },
    body: fs.createReadStream(file),
    fresh: true,
  });
  if (r.status !== 201) console.error(`# upload answered ${r.status}: ${r.body.toString().slice(0, 300)}`);
  return r.status;
}

/** listUsers behind a bare node:http server on the console's database, 50 clients. */
async function bareListRps(data: string): Promise<number> {
  const handle = await openDb({ pgliteDir: path.join(data, "pgdata") });
  const [row] = await handle.db
    .select({ user: users, tenantName: tenants.name })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(users.username, "admin"));
  const actor = {
    userId: row!.user.id,
    username: "admin",
    role: row!.user.role,
    tenantId: row!.user.tenantId,
    tenantName: row!.tenantName,
    address: null,
  };
  const server = http.createServer(async (_req, res) => {
    const results = await listUsers(handle.db, actor);
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ count: results.length, results }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const get = () =>
    new Promise<void>((resolve, reject) =>
      http
        .get({ host: "127.0.0.1", port, path: "/api/user", agent }, (res) => {
          res.resume();
          res.on("end", resolve);
        })
        .on("error", reject),
    );
  try {
    return await opsPerSecond(get, SECONDS, CLIENTS);
  } finally {
    agent.destroy();
    server.close();
    await handle.close();
  }
}

/** A SafeNet client bundle as the console checks it, one member padded to reach `bytes`. */
function writeSafenetTar(bytes: number): string {
  const file = path.join(os.tmpdir(), `hsm-bench-${process.pid}-${bytes}.tar`);
  const fd = fs.openSync(file, "w");
  const names = ["configurator", "libcryptoki", "vtl", "lunacmu", "cklog", "multitoken", "ckdemo", "lunacm"];
  const lead = Buffer.from([0xed, 0xab, 0xee, 0xdb, 3, 0]);
  const big = Math.floor((bytes - names.length * 2048) / 512) * 512;
  for (const [i, n] of names.entries()) {
    const size = i === 0 ? big : 1024;
    fs.writeSync(fd, header({ name: `${n}-5.4.1-2.x86_64.rpm`, size: size.toString(8) }));
    fs.writeSync(fd, lead);
    const block = Buffer.alloc(1024 * 1024, n);
    for (let left = size - lead.length; left > 0; left -= block.length) {
      fs.writeSync(fd, block, 0, Math.min(block.length, left));
    }
    const pad = (512 - (size % 512)) % 512;
    if (pad) fs.writeSync(fd, Buffer.alloc(pad));
  }
  fs.writeSync(fd, Buffer.alloc(1024));
  fs.closeSync(fd);
  return file;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
