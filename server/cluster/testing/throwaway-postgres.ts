import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/**
 * For the benchmark when `npm test`'s PostgreSQL is not there: the same throwaway cluster as
 * scripts/lib/postgres.sh (initdb, trust, loopback, fsync off), stopped and removed by stop().
 */
export function startThrowawayPostgres(host: string): { url: string; stop(): void } {
  const versions = fs.readdirSync("/usr/lib/postgresql").sort((a, b) => Number(a) - Number(b));
  const bin = path.join("/usr/lib/postgresql", versions.at(-1) ?? "", "bin");
  if (!fs.existsSync(path.join(bin, "initdb"))) throw new Error("PostgreSQL is not installed");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "hsm-cluster-pg-"));
  const asPostgres = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];
  if (asPostgres.length) execFileSync("chown", ["postgres", dir]);
  const run = (file: string, args: string[]) => {
    const [cmd, ...rest] = [...asPostgres, file, ...args];
    execFileSync(cmd!, rest, { stdio: "ignore" });
  };
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  run(path.join(bin, "initdb"), ["-D", path.join(dir, "data"), "-A", "trust", "-U", "postgres"]);
  const ctl = path.join(bin, "pg_ctl");
  run(ctl, [
    "-D",
    path.join(dir, "data"),
    "-l",
    path.join(dir, "server.log"),
    "-w",
    "-o",
    `-p ${port} -k ${dir} -c listen_addresses=${host} -c fsync=off`,
    "start",
  ]);
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    stop() {
      try {
        run(ctl, ["-D", path.join(dir, "data"), "-m", "immediate", "stop"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
