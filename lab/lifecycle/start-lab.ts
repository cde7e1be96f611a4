import fs from "node:fs";
import type { Server } from "node:net";
import path from "node:path";
import { ensureConfig } from "../appliance/config";
import { randomDomain, wipe } from "../appliance/domain-key";
import { readJson } from "../appliance/json-file";
import type { PartitionRecord } from "../appliance/partitions";
import { appliancePaths } from "../appliance/paths";
import { type ApplianceInfo, readApplianceInfo } from "./appliance-info";
import { type ApplianceProcess, spawnAppliance } from "./appliance-process";
import { ControlClient, runApplianceCommand } from "./control-client";
import { nextDomainName, readDomains, recordDomain } from "./domains";
import { startLabSocket } from "./lab-socket";
import {
  DEFAULT_ADMIN_PORT,
  DEFAULT_NTLS_PORT,
  defaultAppliances,
  type LabApplianceSpec,
  type StartLabOptions,
} from "./lab-options";

export interface Lab {
  appliances: ApplianceInfo[];
  /** Stops every appliance process (and their p11-kit children). */
  stop(): Promise<void>;
  /** Fault injection and recovery: stop one appliance (SIGKILL = crash), start it again. */
  stopAppliance(name: string, signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  startAppliance(name: string): Promise<ApplianceInfo>;
  /**
   * Resolves once every appliance process of this lab has exited on its own (stopped elsewhere,
   * or crashed); one stopped on request (stopAppliance, `hsm-lab stop NAME`) waits for its start.
   */
  allExited(): Promise<void>;
  /** Fresh details of one appliance (e.g. after `partition create` or `sysconf regenCert`). */
  info(name: string): ApplianceInfo;
  /** Runs one lunash command on an appliance (as `ssh admin@hsm` would). */
  lunash(name: string, line: string): Promise<{ output: string; result: number }>;
}

/**
 * Brings up the lab: each appliance's folder and config (idempotent), its process, then any
 * missing partitions, all created in one fresh cloning domain. Starting again keeps state.
 */
export async function startLab(opts: StartLabOptions): Promise<Lab> {
  const specs = opts.appliances ?? defaultAppliances(opts.count ?? 2);
  const labDir = path.join(opts.dataDir, "lab");
  fs.mkdirSync(labDir, { recursive: true, mode: 0o700 });
  const dirs = new Map<string, string>();
  const procs = new Map<string, ApplianceProcess>();
  const parked = new Set<string>(); // stopped on request: the lab is still "up"
  let changed = () => {};
  let socket: Server | undefined;

  const start = async (spec: LabApplianceSpec): Promise<void> => {
    const dir = dirs.get(spec.name)!;
    refuseIfRunning(dir, spec.name);
    const proc = await spawnAppliance(dir);
    procs.set(spec.name, proc);
    parked.delete(spec.name);
    // However it ends (stopped here, killed from outside, crashed), it is no longer running.
    void proc.exited.then(() => {
      if (procs.get(spec.name) === proc) procs.delete(spec.name);
      changed();
    });
  };

  try {
    for (const spec of specs) {
      const dir = path.join(labDir, spec.name);
      fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
      dirs.set(spec.name, dir);
      ensureConfig(appliancePaths(dir), {
        name: spec.name,
        host: spec.host,
        ntlsPort: spec.ntlsPort ?? opts.ntlsPort ?? DEFAULT_NTLS_PORT,
        adminPort: spec.adminPort ?? opts.adminPort ?? DEFAULT_ADMIN_PORT,
        ...(opts.handshakeTimeoutMs ? { handshakeTimeoutMs: opts.handshakeTimeoutMs } : {}),
        ...(opts.idleTimeoutMs ? { idleTimeoutMs: opts.idleTimeoutMs } : {}),
        ...(opts.answerTimeoutMs ? { answerTimeoutMs: opts.answerTimeoutMs } : {}),
      });
    }
    // Two at a time would save little on two cores; sequential keeps errors readable.
    for (const spec of specs) await start(spec);
    await createMissingPartitions(opts.dataDir, specs, dirs);
  } catch (error) {
    await Promise.all([...procs.values()].map((p) => p.stop()));
    throw error;
  }

  const lab: Lab = {
    appliances: specs.map((s) => readApplianceInfo(dirs.get(s.name)!)),
    async stop() {
      socket?.close();
      await Promise.all([...procs.values()].map((p) => p.stop()));
      procs.clear();
    },
    async stopAppliance(name, signal = "SIGTERM") {
      parked.add(name);
      await procs.get(name)?.stop(signal);
      procs.delete(name);
    },
    async startAppliance(name) {
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new Error(`no appliance ${name} in this lab`);
      if (!procs.has(name)) await start(spec);
      return readApplianceInfo(dirs.get(name)!);
    },
    allExited() {
      return new Promise<void>((resolve) => {
        changed = () => {
          if (procs.size === 0 && parked.size === 0) resolve();
        };
        changed();
      });
    },
    info(name) {
      const dir = dirs.get(name);
      if (!dir) throw new Error(`no appliance ${name} in this lab`);
      return readApplianceInfo(dir);
    },
    lunash: (name, line) => runApplianceCommand(appliancePaths(dirs.get(name)!).controlSocket, line),
  };
  socket = await startLabSocket(opts.dataDir, {
    stopAppliance: lab.stopAppliance,
    startAppliance: lab.startAppliance,
    names: () => specs.map((s) => s.name),
  }).catch(async (error: unknown) => {
    await lab.stop().catch(() => undefined);
    throw error;
  });
  return lab;
}

async function createMissingPartitions(
  dataDir: string,
  specs: LabApplianceSpec[],
  dirs: Map<string, string>,
): Promise<void> {
  const missing: Array<{ appliance: string; label: string }> = [];
  for (const spec of specs) {
    const have = readJson<{ partitions: PartitionRecord[] }>(
      appliancePaths(dirs.get(spec.name)!).partitions,
      {
        partitions: [],
      },
    ).partitions.map((p) => p.label);
    for (const label of spec.partitions ?? [])
      if (!have.includes(label)) missing.push({ appliance: spec.name, label });
  }
  if (missing.length === 0) return;
  const name = nextDomainName(readDomains(dataDir));
  const domain = randomDomain(name);
  try {
    for (const m of missing) {
      const client = await ControlClient.connect(appliancePaths(dirs.get(m.appliance)!).controlSocket);
      try {
        const answer = await client.request({
          op: "initPartition",
          label: m.label,
          domainName: name,
          domainKeyHex: domain.key.toString("hex"),
        });
        if (answer.result !== 0)
          throw new Error(`creating ${m.appliance}/${m.label}: ${answer.output.trim()}`);
      } finally {
        client.close();
      }
      recordDomain(dataDir, name, [`${m.appliance}/${m.label}`]);
    }
  } finally {
    wipe(domain);
  }
}

/** Two copies of one appliance would fight over its ports and files. */
function refuseIfRunning(dir: string, name: string): void {
  const pidFile = appliancePaths(dir).pid;
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, "utf8").trim());
  } catch {
    return;
  }
  try {
    process.kill(pid, 0);
  } catch {
    fs.rmSync(pidFile, { force: true }); // stale: its process is gone
    return;
  }
  throw new Error(`appliance ${name} is already running (pid ${pid}); stop it first (lab/bin/hsm-lab stop)`);
}
