import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import readline from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/schemas/auth";
import { type EchoServer, startEchoServer } from "@/server/dataplane";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { ensureLocalHsm } from "../hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "../service-engines/bootstrap";
import type { SeSupervisor } from "../service-engines/supervisor";
import { randomPort, stopSeTest, testSupervisor } from "../service-engines/testing/fixtures";

const VIP = "127.0.123.60";

/** Another program listening on vip:port (its own process, so the system can name it). */
async function otherProgram(port: number): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    ["-e", `require("net").createServer().listen(${port}, "${VIP}", () => console.log("up"))`],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise<void>((resolve) =>
    readline.createInterface({ input: child.stdout! }).once("line", () => resolve()),
  );
  return child;
}

/** One virtual service cannot hurt another: held ports are refused at save, and taken at run time cost only their VS. */
describe("VIP:port held by another program (127.0.123.x)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let admin: SessionUser;
  let supervisor: SeSupervisor;
  let echo: EchoServer;
  let seGroupId: string;
  const children: ChildProcess[] = [];
  const caller = () => callerFor(handle.db, admin).caller;
  const plain = (name: string, port: number) =>
    caller().virtualServices.create({
      name,
      vip: VIP,
      ports: [{ port, ssl: false }],
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId,
    });

  beforeAll(async () => {
    data = useTempDataDir();
    handle = await openTestDb();
    await ensureLocalHsm(handle.db);
    admin = await seedUser(handle.db, { username: "admin" });
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
    supervisor = testSupervisor(handle.db);
    ({ groupId: seGroupId } = await ensureDefaultSeGroup(handle.db));
    await supervisor.start();
  }, 60_000);

  afterAll(async () => {
    for (const c of children) c.kill("SIGKILL");
    await stopSeTest({ supervisor, echo, handle, data });
  });

  it("refuses a port another program listens on, on the ports field, naming the program", async () => {
    const port = randomPort();
    const holder = await otherProgram(port);
    children.push(holder);
    await expect(plain("taken", port)).rejects.toMatchObject({
      message: `${VIP}:${port} is already in use by another program (node, pid ${holder.pid}). Choose another VIP or port, or stop that program.`,
    });
    const error: unknown = await plain("taken", port).catch((e: unknown) => e);
    expect(error).toMatchObject({ cause: { field: "ports" } });
    expect((await caller().virtualServices.list()).map((v) => v.name)).not.toContain("taken");
  });

  it("refuses the console's own port (here: this process's listener)", async () => {
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, "0.0.0.0", r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      await expect(plain("console-port", port)).rejects.toMatchObject({
        message: expect.stringContaining(`is already in use by this console itself (`),
      });
    } finally {
      server.close();
    }
  });

  it("a VS already served keeps its port on edit (its listener is this console's own SE)", async () => {
    const port = randomPort();
    const vs = await plain("kept", port);
    expect(vs.state).toBe("up");
    const edited = await caller().virtualServices.update({
      id: vs.id,
      name: "kept-2",
      vip: VIP,
      ports: [{ port, ssl: false }],
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId,
    });
    expect(edited).toMatchObject({ name: "kept-2", state: "up" });
    await caller().virtualServices.remove({ id: vs.id });
  });

  it("a port taken at run time takes down only its VS, with the reason; the others keep serving", async () => {
    const portA = randomPort();
    const portB = randomPort();
    const a = await plain("alpha", portA);
    const b = await plain("beta", portB);
    expect([a.state, b.state]).toEqual(["up", "up"]);
    // The console restarts its SE after another program took beta's port meanwhile.
    await supervisor.stopAll();
    const thief = await otherProgram(portB);
    children.push(thief);
    supervisor = testSupervisor(handle.db);
    await supervisor.start();
    const list = await caller().virtualServices.list();
    expect(list.find((v) => v.name === "alpha")).toMatchObject({ state: "up" });
    expect(list.find((v) => v.name === "beta")).toMatchObject({
      state: "down",
      stateReason: expect.stringMatching(
        new RegExp(
          `beta cannot listen on ${VIP.replace(/\./g, "\\.")}:${portB}.*Another program already listens`,
        ),
      ),
    });
    const res = await fetch(`http://${VIP}:${portA}/alive`);
    expect(await res.json()).toMatchObject({ server: "pool-echo", path: "/alive" });
    const [group] = await caller().serviceEngineGroups.list();
    expect(group!.serviceEngines[0]).toMatchObject({ state: "running" });
  }, 60_000);
});
