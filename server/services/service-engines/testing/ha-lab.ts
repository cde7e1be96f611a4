import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { type Lab, startLab } from "@/lab";
import type { SessionUser } from "@/lib/schemas/auth";
import { clientOf } from "@/server/aggregates/hsm-groups";
import { resetEnvForTests } from "@/server/config/env";
import { type EchoServer, seLayout, startEchoServer } from "@/server/dataplane";
import { closeAllConnections } from "@/server/pkcs11";
import { callerFor } from "@/server/testing/callers";
import { seedUser } from "@/server/testing/seed";
import { openTestDb } from "@/server/testing/test-db";
import { useTempDataDir as privateDataDir } from "@/server/testing/test-env";
import { settled } from "../../certificates/testing/observe";
import { ensureLocalHsm } from "../../hsm-groups/local-softhsm";
import { ensureDefaultSeGroup } from "../bootstrap";
import { seDataDir } from "../se-folder";
import { SeSupervisor } from "../supervisor";
import { setSupervisor } from "../supervisor-registry";
import { randomPort } from "./fixtures";

/**
 * Test and benchmark fixture (not shipped in any route): the document's steps with two lab
 * appliances — an HA group over hsm1/par43 and hsm2/par40, an HSM certificate, se-1 registered as
 * its own NTLS client on both and serving one SSL virtual service from hsm1.
 */
export interface HaLab {
  lab: Lab;
  db: Awaited<ReturnType<typeof openTestDb>>["db"];
  admin: SessionUser;
  supervisor: SeSupervisor;
  hsmGroupId: string;
  seGroupId: string;
  seId: string;
  certId: string;
  vip: string;
  port: number;
  serverName: string;
  /** The pool server behind the virtual services. */
  pool: { host: string; port: number };
  caller(): ReturnType<typeof callerFor>["caller"];
  /** The partition se-1's nginx config names now (key URIs follow the member). */
  servedToken(): string | undefined;
  seState(): Promise<{ state: string; stateReason: string | null }>;
  close(): Promise<void>;
}

/** The HSM group form's servers for the lab's hsm1 and hsm2 (address, server.pem, partition, password). */
export function labServers(lab: Lab) {
  return (["hsm1", "hsm2"] as const).map((name) => {
    const a = lab.info(name);
    return {
      address: a.ntls.host,
      port: a.ntls.port,
      serverCert: fs.readFileSync(a.serverPemPath, "utf8"),
      partition: a.partitions[0]!.label,
      partitionPassword: a.partitions[0]!.password,
    };
  });
}

export async function startHaLab(opts: {
  node: string;
  hosts: { hsm1: string; hsm2: string };
  vip: string;
}): Promise<HaLab> {
  const data = privateDataDir();
  fs.chmodSync(data, 0o711);
  process.env.HSM_CONSOLE_NODE_NAME = opts.node;
  resetEnvForTests();
  const handle = await openTestDb();
  const db = handle.db;
  await ensureLocalHsm(db);
  const admin = await seedUser(db, { username: "admin" });
  const caller = () => callerFor(db, admin).caller;
  const echo: EchoServer = await startEchoServer({ host: "127.0.0.1", port: 0, name: "pool-echo" });
  const labDir = fs.mkdtempSync(path.join(os.tmpdir(), "lab-ha-"));
  const lab = await startLab({
    dataDir: labDir,
    appliances: [
      { name: "hsm1", host: opts.hosts.hsm1, partitions: ["par43"] },
      { name: "hsm2", host: opts.hosts.hsm2, partitions: ["par40"] },
    ],
  });
  const group = await caller().hsmGroups.create({
    name: "lab-ha",
    type: "lab-appliance",
    servers: labServers(lab),
  });
  /** `scp <client>.pem admin@hsm:` and the download page's lunash commands, on every server. */
  const registerAll = async (kind: "console" | "service-engine") => {
    const page = await caller().hsmGroups.clients({ id: group.id });
    for (const client of page.clients.filter((c) => c.kind === kind && !c.replacedAt)) {
      const row = await clientOf(db, group.id, client.id);
      for (const server of client.servers) {
        const name = server.address === opts.hosts.hsm1 ? "hsm1" : "hsm2";
        fs.writeFileSync(path.join(lab.info(name).dir, "home", `${client.name}.pem`), row!.certPem);
        for (const line of server.commands.slice(1)) {
          const answer = await lab.lunash(name, line);
          if (answer.result !== 0) throw new Error(`${line}: ${answer.output}`);
        }
      }
    }
  };
  await registerAll("console");
  await caller().hsmGroupActions.setUpHa({ id: group.id });
  const created = await caller().certificates.create({
    name: "ha-web",
    type: "self-signed",
    hsmGroupId: group.id,
    key: "EC-P-256",
    commonName: "ha.example",
    dnsNames: ["ha.example"],
    validityDays: 30,
  });
  const cert = await settled(db, admin, created.id);
  if (cert.status !== "active") throw new Error(`certificate ${cert.status}`);

  const { groupId: seGroupId } = await ensureDefaultSeGroup(db);
  const supervisor = new SeSupervisor(db, { health: { intervalMs: 500, timeoutMs: 2000 } });
  setSupervisor(supervisor);
  await supervisor.start();
  await caller().serviceEngineGroups.update({ id: seGroupId, hsmGroupId: group.id });
  await registerAll("service-engine");
  const [listed] = await caller().serviceEngineGroups.list();
  const seId = listed!.serviceEngines[0]!.id;
  await caller().serviceEngines.restart({ id: seId });
  const port = randomPort();
  await caller().virtualServices.create({
    name: "ha-shop",
    vip: opts.vip,
    ports: [{ port, ssl: true }],
    certificateId: created.id,
    pool: [{ host: echo.host, port: echo.port }],
    seGroupId,
  });
  return {
    lab,
    db,
    admin,
    supervisor,
    hsmGroupId: group.id,
    seGroupId,
    seId,
    certId: created.id,
    vip: opts.vip,
    port,
    serverName: "ha.example",
    pool: { host: echo.host, port: echo.port },
    caller,
    servedToken() {
      const conf = fs.readFileSync(seLayout(seDataDir("se-1")).nginxConf, "utf8");
      return /token=(par\d+)/.exec(conf)?.[1];
    },
    async seState() {
      const [g] = await caller().serviceEngineGroups.list();
      const se = g!.serviceEngines.find((s) => s.id === seId)!;
      return { state: se.state, stateReason: se.stateReason ?? null };
    },
    async close() {
      await supervisor.stopAll();
      setSupervisor(null);
      await echo.close();
      await closeAllConnections();
      await lab.stop();
      await handle.close();
      for (const dir of [data, labDir]) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
