import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import { run, tempDir } from "../testing/run";

const BIN = path.join(__dirname, "..", "bin");
const HOSTS = { hsm1: "127.0.128.11", hsm2: "127.0.128.13" };

/** Whether something accepts TCP connections on host:port now. */
function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port }, () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** An admin driving the running lab from another terminal: help, status, stop and start one appliance. */
describe("lab CLI (hsm-lab, lunash) against a running lab (127.0.128.x)", () => {
  let dir: string;
  let lab: Lab;
  const hsmLab = (...args: string[]) => run(path.join(BIN, "hsm-lab"), [...args, "--data-dir", dir]);

  beforeAll(async () => {
    dir = tempDir("lab-cli");
    lab = await startLab({
      dataDir: dir,
      appliances: [
        { name: "hsm1", host: HOSTS.hsm1, partitions: ["par43"] },
        { name: "hsm2", host: HOSTS.hsm2, partitions: ["par40"] },
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await lab?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("hsm-lab --help, -h and help print the usage; an unknown command prints it with exit 2", async () => {
    for (const args of [["--help"], ["-h"], ["help"]]) {
      const r = await run(path.join(BIN, "hsm-lab"), args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toContain("stop NAME [--kill]");
      expect(r.stdout).toContain("start NAME");
    }
    const bad = await hsmLab("frobnicate");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown command "frobnicate"');
    expect(bad.stderr).toContain("Usage: lab/bin/hsm-lab");
  });

  it("lunash --help prints its usage; help inside the shell lists the appliance's commands", async () => {
    const r = await run(path.join(BIN, "lunash"), ["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("-c, --command");
    const out = await new Promise<string>((resolve) => {
      const p = spawn(path.join(BIN, "lunash"), ["--data-dir", dir, "--appliance", "hsm1"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      let text = "";
      p.stdout.on("data", (d: Buffer) => {
        text += d;
      });
      p.on("exit", () => resolve(text));
      p.stdin.end("help\nexit\n");
    });
    expect(out).toContain("client register -c NAME");
    expect(out).toContain("partition create -p NAME");
  });

  it("status shows the lab and each appliance running", async () => {
    const r = await hsmLab("status");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`lab in ${path.join(dir, "lab")}: running`);
    expect(r.stdout).toMatch(/hsm1: running \(pid \d+\)/);
    expect(r.stdout).toMatch(/hsm2: running \(pid \d+\)/);
  });

  it("stop NAME stops only that appliance; start NAME brings it back with its state", async () => {
    const serial = lab.info("hsm2").hsmSerial;
    const stopped = await hsmLab("stop", "hsm2");
    expect(stopped.code, stopped.stderr).toBe(0);
    expect(stopped.stdout).toContain("hsm2: stopped");
    expect(await listening(HOSTS.hsm2, 1792)).toBe(false);
    expect(await listening(HOSTS.hsm1, 1792)).toBe(true);
    const status = await hsmLab("status");
    expect(status.stdout).toContain("hsm2: stopped");
    expect(status.stdout).toMatch(/hsm1: running/);
    // The lab process stays up while an appliance is stopped on request.
    let allExited = false;
    void lab.allExited().then(() => {
      allExited = true;
    });

    const started = await hsmLab("start", "hsm2");
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toContain("hsm2: running");
    expect(await listening(HOSTS.hsm2, 1792)).toBe(true);
    expect((await hsmLab("status")).stdout).toMatch(/hsm2: running \(pid \d+\)/);
    expect(lab.info("hsm2").hsmSerial).toBe(serial);
    expect((await lab.lunash("hsm2", "partition list")).output).toContain("par40");
    expect(allExited).toBe(false);
  }, 60_000);

  it("stop NAME --kill kills it like a crash; start NAME recovers; unknown names are refused", async () => {
    const killed = await hsmLab("stop", "hsm1", "--kill");
    expect(killed.code, killed.stderr).toBe(0);
    expect(await listening(HOSTS.hsm1, 1792)).toBe(false);
    expect((await hsmLab("start", "hsm1")).code).toBe(0);
    expect(await listening(HOSTS.hsm1, 1792)).toBe(true);
    const unknown = await hsmLab("stop", "hsm9");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('no appliance "hsm9" in this lab (hsm1, hsm2)');
  }, 60_000);

  it("stop NAME without a running lab says so and how to start one", async () => {
    const empty = tempDir("lab-cli-none");
    try {
      const r = await run(path.join(BIN, "hsm-lab"), ["stop", "hsm1", "--data-dir", empty]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`no lab is running for ${empty}`);
      expect(r.stderr).toContain("npm start");
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
