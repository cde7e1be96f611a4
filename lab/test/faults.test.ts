import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import { makeClient, type NtlsLink, openNtlsLink, uploadCert } from "../testing/clients";
import { p11Session, pkcs11Tool, visibleTokens } from "../testing/pkcs11";
import { run, tempDir } from "../testing/run";
import { waitForLog } from "../testing/test-lab";

/** Direct children of a process (the appliance's p11-kit remote processes). */
async function children(pid: number): Promise<number[]> {
  const r = await run("pgrep", ["-P", String(pid)]);
  return r.stdout.split("\n").filter(Boolean).map(Number);
}

/** An appliance dies and comes back; its neighbour never notices; stalled peers are cut off. */
describe("appliance faults", () => {
  let dir: string;
  let lab: Lab;
  let c1: NtlsLink;
  let c2: NtlsLink;

  const hsm = (i: number) => lab.appliances[i]!;
  const pin = (i: number) => hsm(i).partitions[0]!.password;

  beforeAll(async () => {
    dir = tempDir("lab-fault");
    lab = await startLab({
      dataDir: dir,
      // Limits well above a legitimate handshake or answer on a busy machine: the tests wait for
      // the front's own events (closed link, log line), never for a duration.
      handshakeTimeoutMs: 5000,
      answerTimeoutMs: 5000,
      appliances: [
        { name: "hsm1", host: "127.0.84.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
        { name: "hsm2", host: "127.0.84.13", ntlsPort: 11792, adminPort: 18443, partitions: ["par40"] },
      ],
    });
    const client = await makeClient("se");
    for (const [i, name] of [
      [0, "hsm1"],
      [1, "hsm2"],
    ] as const) {
      uploadCert(hsm(i), client);
      await lab.lunash(name, "client register -c se -i 10.0.0.7");
      await lab.lunash(name, `client assignPartition -c se -p ${hsm(i).partitions[0]!.label}`);
    }
    c1 = await openNtlsLink(hsm(0), client, dir);
    c2 = await openNtlsLink(hsm(1), client, dir);
    const gen = await pkcs11Tool(c1.socketPath, [
      ...["--token-label", "par43", "--login", "--pin", pin(0)],
      ...["--keypairgen", "--key-type", "EC:prime256v1", "--id", "42"],
    ]);
    expect(gen.code, gen.stderr).toBe(0);
  });

  afterAll(async () => {
    await c1?.close();
    await c2?.close();
    await lab?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const signs = async (socket: string, token: string, password: string, id: string) => {
    const data = path.join(dir, "digest.bin");
    fs.writeFileSync(data, Buffer.alloc(32, 7));
    const r = await pkcs11Tool(socket, [
      ...["--token-label", token, "--login", "--pin", password],
      ...["--sign", "-m", "ECDSA", "--id", id, "-i", data, "-o", path.join(dir, `sig-${token}.bin`)],
    ]);
    return r.code === 0;
  };

  it("a long-lived client gets an error while its appliance is down and recovers by re-initialising", async () => {
    const se = await p11Session(c1.socketPath, { token: "par43", pin: pin(0), idHex: "42" });
    try {
      expect((await se.send("sign")).ok).toBe(true);
      await lab.stopAppliance("hsm1", "SIGKILL");
      const down = await se.send("sign");
      expect(down.ok).toBe(false);
      expect(down.error).toMatch(
        /CKR_DEVICE_ERROR|CKR_DEVICE_REMOVED|CKR_TOKEN_NOT_PRESENT|CKR_SESSION_HANDLE_INVALID/,
      );
      await lab.startAppliance("hsm1");
      // Without re-initialising, the instance stays broken (p11-kit-client does not reconnect).
      expect((await se.send("sign")).ok).toBe(false);
      expect(await se.send("reinit")).toMatchObject({ ok: true });
      expect((await se.send("sign")).ok).toBe(true);
    } finally {
      await se.close();
    }
  });

  it("killing one appliance leaves no process behind and does not disturb the other", async () => {
    const pid = Number(fs.readFileSync(path.join(hsm(0).dir, "appliance.pid"), "utf8"));
    // A live NTLS link, so the group has a p11-kit child at the moment of the crash.
    const held = net.connect(c1.socketPath);
    await new Promise((r) => held.once("connect", r));
    await lab.stopAppliance("hsm1", "SIGKILL");
    expect(() => process.kill(-pid, 0)).toThrow(/ESRCH/);
    held.destroy();

    // The client fails by itself (the link is closed), it does not hang until run() kills it.
    expect(await visibleTokens(c1.socketPath)).toMatchObject({ ok: false, timedOut: false });

    expect((await visibleTokens(c2.socketPath)).labels).toEqual(["par40"]);
    const gen = await pkcs11Tool(c2.socketPath, [
      ...["--token-label", "par40", "--login", "--pin", pin(1)],
      ...["--keypairgen", "--key-type", "EC:prime256v1", "--id", "43"],
    ]);
    expect(gen.code, gen.stderr).toBe(0);
    expect(await signs(c2.socketPath, "par40", pin(1), "43")).toBe(true);
  });

  it("after a restart, a client that initialises again finds its partition and key", async () => {
    await lab.startAppliance("hsm1");
    // Same connector, new PKCS#11 initialisation (each pkcs11-tool run is one).
    expect((await visibleTokens(c1.socketPath)).labels).toEqual(["par43"]);
    expect(await signs(c1.socketPath, "par43", pin(0), "42")).toBe(true);
  });

  it("the front drops a peer that connects and never starts TLS", async () => {
    const socket = net.connect(hsm(1).ntls.port, hsm(1).ntls.host);
    await new Promise<void>((resolve) => socket.once("close", () => resolve()));
    // Dropped by its handshake limit (the log says so), not by anything else.
    const log = /handshake failed from \S+: TLS handshake timeout/;
    expect(await waitForLog(hsm(1), log)).toMatch(log);
  });

  it("the front ends a link whose HSM side stops answering", async () => {
    const pid = Number(fs.readFileSync(path.join(hsm(1).dir, "appliance.pid"), "utf8"));
    const before = new Set(await children(pid));
    const raw = net.connect(c2.socketPath);
    let stopped: number | undefined;
    while (stopped === undefined) {
      stopped = (await children(pid)).find((p) => !before.has(p));
      if (stopped === undefined) await new Promise((r) => setTimeout(r, 20));
    }
    process.kill(stopped, "SIGSTOP"); // p11-kit remote (and so the HSM) hangs
    const closed = new Promise<void>((resolve) => raw.once("close", () => resolve()));
    raw.on("error", () => undefined);
    raw.write(Buffer.from([0])); // p11-kit's protocol version byte: a request awaiting an answer
    await closed;
    const log = /no answer from the HSM within 5000 ms/;
    expect(await waitForLog(hsm(1), log)).toMatch(log);
    // And the wedged child is reaped (SIGKILL after the grace period), not left behind.
    while ((await children(pid)).includes(stopped)) await new Promise((r) => setTimeout(r, 50));
  });

  it("restarting keeps state: same partitions, serials and registrations", async () => {
    const before = lab.appliances.map((a) => a.partitions);
    await lab.stop();
    lab = await startLab({
      dataDir: dir,
      appliances: [
        { name: "hsm1", host: "127.0.84.11", ntlsPort: 11792, adminPort: 18443, partitions: ["par43"] },
        { name: "hsm2", host: "127.0.84.13", ntlsPort: 11792, adminPort: 18443, partitions: ["par40"] },
      ],
    });
    expect(lab.appliances.map((a) => a.partitions)).toEqual(before);
    expect((await lab.lunash("hsm2", "client list")).output).toContain("registered client 1: se");
    expect((await visibleTokens(c2.socketPath)).labels).toEqual(["par40"]);
  });
});
