import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeBytes, encodeBytes, type RpcResponse } from "./rpc";
import { type SoftHsmFixture, softHsmFixture, USER_PIN } from "./testing/fixtures";
import { workerCommand } from "./worker-command";
import { forkWorker } from "./worker-process";

/** The compiled entries (scripts/build-server.mjs) run as the sources do; production picks them. */
describe("compiled worker", () => {
  // Inside the project: the bundles load their packages (pkcs11js, next, zod) from its node_modules.
  const outdir = path.join("build", `test-${process.pid}`);
  let hsm: SoftHsmFixture;

  beforeAll(async () => {
    const build = spawnSync(process.execPath, ["scripts/build-server.mjs", outdir], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    hsm = await softHsmFixture(["compiled"]);
  });
  afterAll(async () => {
    fs.rmSync(outdir, { recursive: true, force: true });
    await hsm?.cleanup();
  });

  it("a worker forked from the compiled entry under plain node logs in and lists its token", async () => {
    const entry = path.resolve(outdir, "pkcs11-worker.cjs");
    const child = forkWorker(hsm.spec("compiled", { niceness: 0 }), {
      kind: "compiled",
      entry,
      execArgv: [],
    });
    const replies: unknown[] = [];
    const next = () =>
      new Promise<unknown>((resolve, reject) => {
        child.once("message", (m) => resolve(decodeBytes(m)));
        child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
      });
    try {
      replies.push(await next());
      const call = async (id: number, op: string, args: unknown) => {
        const answer = next();
        child.send(encodeBytes({ id, op, args }) as object);
        return (await answer) as RpcResponse;
      };
      expect(replies[0]).toMatchObject({ hello: true, pid: child.pid });
      expect(await call(1, "login", { token: { label: "compiled" }, pin: USER_PIN })).toMatchObject({
        ok: true,
      });
      const slots = await call(2, "listSlots", {});
      expect(slots.ok).toBe(true);
      expect(JSON.stringify(slots)).toContain("compiled");
      expect(fs.readFileSync(`/proc/${child.pid}/cmdline`, "utf8")).not.toContain("tsx");
    } finally {
      child.kill();
    }
  });

  it("the compiled CLI runs", () => {
    const run = spawnSync(process.execPath, [path.join(outdir, "cli.cjs"), "--help"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    expect(run.stdout).toContain("Usage: hsm-console");
  });

  it("production with a compiled entry picks it; otherwise, or without one, the sources under tsx", () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "worker-root-"));
    // NODE_ENV is typed read-only; the test sets it as a host would.
    const environment = process.env as Record<string, string | undefined>;
    const saved = environment.NODE_ENV;
    try {
      expect(workerCommand(undefined, root)).toMatchObject({ kind: "source", execArgv: ["--import", "tsx"] });
      expect(workerCommand(undefined, root).entry).toBe(path.join(root, "server/pkcs11/worker/entry.ts"));
      fs.mkdirSync(path.join(root, "build"));
      fs.writeFileSync(path.join(root, "build/pkcs11-worker.cjs"), "");
      expect(workerCommand(undefined, root).kind).toBe("source"); // NODE_ENV=test: the build may be stale
      environment.NODE_ENV = "production";
      expect(workerCommand(undefined, root)).toEqual({
        kind: "compiled",
        entry: path.join(root, "build/pkcs11-worker.cjs"),
        execArgv: [],
      });
      fs.rmSync(path.join(root, "build"), { recursive: true });
      expect(workerCommand(undefined, root).kind).toBe("source");
    } finally {
      environment.NODE_ENV = saved;
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
