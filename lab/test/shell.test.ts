import { spawn } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import { makeClient, uploadCert } from "../testing/clients";
import { run, tempDir } from "../testing/run";

const LUNASH = path.join(__dirname, "..", "bin", "lunash");

/** The runnable shell (lab/bin/lunash) one-shot and interactive, and the partition/hsm commands. */
describe("lunash", () => {
  let dir: string;
  let lab: Lab;

  beforeAll(async () => {
    dir = tempDir("lab-sh");
    lab = await startLab({
      dataDir: dir,
      appliances: [
        { name: "hsmx", host: "127.0.86.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
      ],
    });
  });

  afterAll(async () => {
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const lunash = (...args: string[]) => run(LUNASH, ["--data-dir", dir, "--appliance", "hsmx", ...args]);

  it("one-shot: output and exit code follow the Command Result", async () => {
    const ok = await lunash("-c", "hsm show");
    expect(ok.code).toBe(0);
    const fingerprint = new X509Certificate(fs.readFileSync(lab.appliances[0]!.serverPemPath)).fingerprint256;
    expect(ok.stdout).toContain(`Server Cert Fingerprint:  ${fingerprint}`);
    expect(ok.stdout).toContain(`HSM Serial Number:        ${lab.appliances[0]!.hsmSerial}`);
    const bad = await lunash("-c", "client show -c nobody");
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("Error: 'client show' failed. Client nobody is not registered.");
  });

  it("interactive: one prompt per command, exit ends the session", async () => {
    const client = await makeClient("10.1.1.5");
    uploadCert(lab.appliances[0]!, client);
    const child = await new Promise<{ code: number; out: string }>((resolve) => {
      const p = spawn(LUNASH, ["--data-dir", dir, "--appliance", "hsmx"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      let out = "";
      p.stdout.on("data", (d: Buffer) => {
        out += d;
      });
      p.on("exit", (code) => resolve({ code: code ?? 1, out }));
      p.stdin.end(
        "client register -c 10.1.1.5 -i 10.1.1.5\nclient assignPartition -c 10.1.1.5 -p par43\nclient list\nexit\n",
      );
    });
    expect(child.code).toBe(0);
    expect(child.out).toContain("[127.0.86.11] lunash:>");
    expect(child.out).toContain("'client register' successful.");
    expect(child.out).toContain("'client assignPartition' successful.");
    expect(child.out).toContain("registered client 1: 10.1.1.5");
  });

  it("partition create, list, show; bad names and duplicates are refused", async () => {
    const created = await lab.lunash("hsmx", "partition create -p web -domain s3cret-domain");
    expect(created.result, created.output).toBe(0);
    expect(created.output).toMatch(/Partition Password:\s+\S+/);
    const again = await lab.lunash("hsmx", "partition create -p web");
    expect(again.output).toContain("Partition web already exists.");
    const badName = await lab.lunash("hsmx", "partition create -p 'bad name'");
    expect(badName.output).toContain('Invalid partition name "bad name"');
    const list = await lab.lunash("hsmx", "partition list");
    expect(list.output).toMatch(/par43 .* lab-domain/);
    expect(list.output).toMatch(/web .* domain-[0-9a-f]{12}/);
    const show = await lab.lunash("hsmx", "partition show -p par43");
    expect(show.output).toMatch(/Assigned Clients:\s+10\.1\.1\.5/);
    expect(lab.info("hsmx").partitions.map((p) => p.label)).toEqual(["par43", "web"]);
  });

  it("client deregister removes the client; unknown commands and options are refused", async () => {
    expect((await lab.lunash("hsmx", "client deregister -c 10.1.1.5")).result).toBe(0);
    expect((await lab.lunash("hsmx", "client list")).output).toContain("No clients are registered.");
    expect((await lab.lunash("hsmx", "client frobnicate")).output).toContain("Unknown command");
    expect((await lab.lunash("hsmx", "client list -zzz 1")).output).toContain("Unknown option -zzz");
  });
});
