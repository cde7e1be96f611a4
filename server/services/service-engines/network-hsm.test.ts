import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Lab, startLab } from "@/lab";
import { tempDir } from "@/lab/testing/run";
import type { SessionUser } from "@/lib/schemas/auth";
import { resetEnvForTests } from "@/server/config/env";
import { type EchoServer, seLayout, startEchoServer } from "@/server/dataplane";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir } from "@/server/testing/test-env";
import { settled } from "../certificates/testing/observe";
import { ensureLocalHsm } from "../hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "./bootstrap";
import { seDataDir } from "./se-folder";
import { SeSupervisor } from "./supervisor";
import { setSupervisor } from "./supervisor-registry";
import { filesContaining, randomPort } from "./testing/fixtures";
import { labServers } from "./testing/ha-lab";

const run = promisify(execFile);
const NODE = "console-93";
const HOSTS = { hsm1: "127.0.93.11", hsm2: "127.0.93.13" } as const;
type Appliance = keyof typeof HOSTS;

/**
 * The document's last steps with network appliances: the SE is an HSM client of its own
 * (registered from the download page's commands), serves an HA group's key over its own NTLS
 * link.
 */
describe("service engines on a network HSM group (lab appliances 127.0.93.x)", () => {
  let handle: Awaited<ReturnType<typeof openTestDb>>;
  let data: string;
  let labDir: string;
  let lab: Lab;
  let admin: SessionUser;
  let supervisor: SeSupervisor;
  let echo: EchoServer;
  let hsmGroupId: string;
  let seGroupId: string;
  let certPem: string;
  let certId: string;
  const vip = `127.0.93.${100 + Math.floor(Math.random() * 100)}`;
  const port = randomPort();
  const caller = () => callerFor(handle.db, admin).caller;

  /** `scp <client>.pem admin@hsm:` and the page's lunash commands, for every client on every server. */
  async function registerAll(kind: "console" | "service-engine"): Promise<void> {
    const page = await caller().hsmGroups.clients({ id: hsmGroupId });
    for (const client of page.clients.filter((c) => c.kind === kind && !c.replacedAt)) {
      const pem = await fetchClientPem(client.id);
      for (const server of client.servers) {
        const name = (Object.keys(HOSTS) as Appliance[]).find((n) => HOSTS[n] === server.address)!;
        fs.writeFileSync(path.join(lab.info(name).dir, "home", `${client.name}.pem`), pem);
        for (const line of server.commands.slice(1))
          expect((await lab.lunash(name, line)).output).toContain("Command Result : 0");
      }
    }
  }

  async function fetchClientPem(clientId: string): Promise<string> {
    const { hsmClients } = await import("@/server/db/schema");
    const { eq } = await import("drizzle-orm");
    const [row] = await handle.db.select().from(hsmClients).where(eq(hsmClients.id, clientId));
    return row!.certPem;
  }

  beforeAll(async () => {
    data = useTempDataDir();
    fs.chmodSync(data, 0o711);
    process.env.HSM_CONSOLE_NODE_NAME = NODE;
    resetEnvForTests();
    handle = await openTestDb();
    await ensureLocalHsm(handle.db);
    admin = await seedUser(handle.db, { username: "admin" });
    echo = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
    labDir = tempDir("lab-se");
    lab = await startLab({
      dataDir: labDir,
      appliances: [
        { name: "hsm1", host: HOSTS.hsm1, partitions: ["par43"] },
        { name: "hsm2", host: HOSTS.hsm2, partitions: ["par40"] },
      ],
    });
    const servers = labServers(lab);
    const group = await caller().hsmGroups.create({ name: "lab-ha", type: "lab-appliance", servers });
    hsmGroupId = group.id;
    await registerAll("console");
    expect(await caller().hsmGroupActions.setUpHa({ id: hsmGroupId })).toMatchObject({ isHa: true });
    const created = await caller().certificates.create({
      name: "ha-web",
      type: "self-signed",
      hsmGroupId,
      key: "EC-P-256",
      commonName: "ha.example",
      dnsNames: ["ha.example"],
      validityDays: 30,
    });
    const cert = await settled(handle.db, admin, created.id);
    expect(cert.status).toBe("active");
    certPem = cert.certificatePem!;
    certId = created.id;

    ({ groupId: seGroupId } = await ensureDefaultSeGroup(handle.db));
    supervisor = new SeSupervisor(handle.db, { health: { intervalMs: 500, timeoutMs: 2000 } });
    setSupervisor(supervisor);
    await supervisor.start();
  }, 180_000);

  afterAll(async () => {
    await supervisor?.stopAll();
    setSupervisor(null);
    await echo?.close();
    await closeAllConnections();
    await lab?.stop();
    await handle?.close();
    for (const dir of [data, labDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("associating the network group gives se-1 its own client certificate on the download page", async () => {
    await caller().serviceEngineGroups.update({ id: seGroupId, hsmGroupId });
    const page = await caller().hsmGroups.clients({ id: hsmGroupId });
    const se = page.clients.find((c) => c.kind === "service-engine");
    expect(se).toMatchObject({ name: "se-1", ip: "se-1" });
    // Same host as the console: registered by host name (an appliance refuses a second client per IP).
    expect(se!.servers[0]!.commands[1]).toBe("client register -c se-1 -hostname se-1");
    const [listed] = await caller().serviceEngineGroups.list();
    expect(listed!.serviceEngines[0]).toMatchObject({
      state: "restart-required",
      registration: "not checked",
    });
  });

  it("an unregistered SE fails its restart with a reason; registered, it serves the HSM key", async () => {
    const [listed] = await caller().serviceEngineGroups.list();
    const seId = listed!.serviceEngines[0]!.id;
    await expect(caller().serviceEngines.restart({ id: seId })).rejects.toMatchObject({
      message: expect.stringMatching(
        /No HSM of group "lab-ha" accepts se-1: 127\.0\.93\.11: client not registered \(.*is not registered\); 127\.0\.93\.13: client not registered \(.*client certificates page/,
      ),
    });
    const [still] = await caller().serviceEngineGroups.list();
    expect(still!.serviceEngines[0]).toMatchObject({
      state: "restart-required",
      registration: "127.0.93.11: refused, 127.0.93.13: refused",
    });

    await registerAll("service-engine");
    const restarted = await caller().serviceEngines.restart({ id: seId });
    expect(restarted).toMatchObject({ state: "running", stateReason: null });
    const vs = await caller().virtualServices.create({
      name: "ha-shop",
      vip,
      ports: [{ port, ssl: true }],
      certificateId: certId,
      pool: [{ host: echo.host, port: echo.port }],
      seGroupId,
    });
    expect(vs).toMatchObject({ state: "up", stateReason: null });
    const { stdout } = await run("sh", [
      "-c",
      `openssl s_client -connect ${vip}:${port} -servername ha.example </dev/null 2>/dev/null | openssl x509`,
    ]);
    expect(new X509Certificate(stdout).fingerprint256).toBe(new X509Certificate(certPem).fingerprint256);
    const curl = await run("curl", [
      "-sk",
      "--resolve",
      `ha.example:${port}:${vip}`,
      `https://ha.example:${port}/x`,
    ]);
    expect(JSON.parse(curl.stdout)).toMatchObject({ server: "pool-echo", path: "/x" });
    // The SE reaches the appliance through its own socket, and no PEM private key is in its folder.
    const conf = fs.readFileSync(seLayout(seDataDir("se-1")).nginxConf, "utf8");
    expect(conf).toMatch(/P11_KIT_SERVER_ADDRESS=unix:path=.*ntls-[0-9a-f]{8}\.sock/);
    expect(conf).toContain("token=par43");
    expect(filesContaining(data, "PRIVATE KEY")).toEqual([]);
  }, 120_000);
  // Failover in every direction: failover-directions.test.ts; its window: npm run bench.
});
