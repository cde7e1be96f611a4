/**
 * Test and bench support for crash rounds: run one creation in a child process, kill the child and
 * its PKCS#11 workers (the whole process group, SIGKILL) at a kill point, restart on the same data
 * folder and tokens, let the reconciler run past the grace period, and check what is left.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "@/server/db";
import { openDb } from "@/server/db/client";
import { sslCertificates } from "@/server/db/schema";
import { forgetLogins, openHsmGroup } from "@/server/hsm/hsm-access";
import { closeAllConnections, type WorkerTestPoint } from "@/server/pkcs11";
import { seedUser } from "@/server/testing/seed";
// Not a React hook: a private data folder (renamed so that the hook rule does not mistake it).
import { useTempDataDir as tempDataDir } from "@/server/testing/test-env";
import type { Actor } from "../../actor";
import { createCertificate } from "../create-certificate";
import type { CreationPoint } from "../creation-hooks";
import { LABEL_PREFIX } from "../key-material";
import { creationDeadlineSeconds, resolveInterruptedCreations } from "../resolve-interrupted";
import { testCertificateKey } from "../test-key";
import type { CrashOrder } from "./crash-child";
import { haGroup, localGroup } from "./groups";

export interface KillPoint {
  point: CreationPoint | WorkerTestPoint;
  group: "local" | "ha";
  kind: CrashOrder["kind"];
  /** What the reconciler makes of the row (null: no row was written). */
  expect: "failed" | "active" | "awaiting-certificate" | null;
}

/** Before the row, after it, inside the token call, after the pair, during replication. */
export const KILL_POINTS: KillPoint[] = [
  { point: "before-row", group: "local", kind: "self-signed", expect: null },
  { point: "after-row", group: "local", kind: "self-signed", expect: "failed" },
  { point: "generateKeyPair:before", group: "local", kind: "self-signed", expect: "failed" },
  { point: "generateKeyPair:public-only", group: "local", kind: "self-signed", expect: "failed" },
  { point: "generateKeyPair:after", group: "local", kind: "self-signed", expect: "active" },
  { point: "after-key", group: "local", kind: "self-signed", expect: "active" },
  { point: "after-key", group: "local", kind: "csr", expect: "awaiting-certificate" },
  { point: "after-row", group: "local", kind: "import", expect: "failed" },
  { point: "after-key", group: "local", kind: "import", expect: "failed" },
  { point: "generateKeyPair:after", group: "ha", kind: "self-signed", expect: "failed" },
  { point: "importReplica:before", group: "ha", kind: "self-signed", expect: "failed" },
  { point: "importReplica:private-only", group: "ha", kind: "self-signed", expect: "failed" },
  { point: "importReplica:after", group: "ha", kind: "self-signed", expect: "active" },
  { point: "after-key", group: "ha", kind: "self-signed", expect: "active" },
];

export interface CrashConsole {
  dataDir: string;
  actor: Actor;
  groups: { local: string; ha: string };
}

export interface RoundResult {
  /** The child reached the kill point and was killed there. */
  killed: boolean;
  /** Status of the round's row after restart and reconciliation (null: none). */
  status: string | null;
  transientRows: number;
  /** Console objects in any member that no live certificate accounts for (member: label). */
  strayObjects: string[];
  /** A new key generation and a signature with it worked on the same group afterwards. */
  usable: boolean;
  clean: boolean;
}

const openConsoleDb = (dataDir: string) => openDb({ pgliteDir: path.join(dataDir, "db") });

/** A console's data folder with Local-SoftHSM, an HA group of two SoftHSM tokens and an admin. */
export async function prepareCrashConsole(): Promise<CrashConsole & { cleanup(): Promise<void> }> {
  const dataDir = tempDataDir();
  const handle = await openConsoleDb(dataDir);
  const local = await localGroup(handle.db);
  const user = await seedUser(handle.db, { username: "crash-admin" });
  const ha = await haGroup(handle.db, user.tenantId, "crash-ha", ["crash-1", "crash-2"]);
  await restartHsmConnections();
  await handle.close();
  return {
    dataDir,
    actor: { ...user, userId: user.id, address: null },
    groups: { local: local.id, ha: ha.id },
    async cleanup() {
      await closeAllConnections();
      await ha.hsm.cleanup();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Starts the child with the kill point armed and kills its process group once it is reached. */
export async function killAt(dataDir: string, order: Omit<CrashOrder, "reachedFile">) {
  const reachedFile = path.join(dataDir, `${order.name}.reached`);
  const full: CrashOrder = { ...order, reachedFile };
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "server/services/certificates/testing/crash-child.ts", JSON.stringify(full)],
    {
      env: { ...process.env, HSM_CONSOLE_DATA: dataDir, HSM_PKCS11_TEST_HOOKS: "1" },
      // Its own process group: the PKCS#11 workers it forks die with it, as in a power loss.
      detached: true,
      stdio: ["ignore", "inherit", "inherit"],
    },
  );
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let exitCode: number | null | undefined;
  void exited.then((code) => {
    exitCode = code;
  });
  for (;;) {
    const reached = fs.existsSync(reachedFile) ? fs.readFileSync(reachedFile, "utf8") : "";
    if (reached.endsWith("\n") || exitCode !== undefined) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const killed = !fs.readFileSync(reachedFile, "utf8").startsWith("completed") && exitCode === undefined;
  if (exitCode === undefined) process.kill(-child.pid!, "SIGKILL");
  await exited;
  return { killed };
}

/** One round: kill, restart (database reopened, fresh PKCS#11 workers), reconcile, check. */
export async function crashRound(c: CrashConsole, kp: KillPoint, round: number): Promise<RoundResult> {
  const name = `crash-${round}`;
  const groupId = c.groups[kp.group];
  const { killed } = await killAt(c.dataDir, {
    name,
    kind: kp.kind,
    groupId,
    userId: c.actor.userId,
    point: kp.point,
  });
  const handle = await openConsoleDb(c.dataDir);
  try {
    // Just past the deadline: the reconciler as it runs at start and every minute.
    await resolveInterruptedCreations(handle.db, {
      now: Date.now() + (creationDeadlineSeconds() + 1) * 1000,
    });
    const [row] = await handle.db.select().from(sslCertificates).where(eq(sslCertificates.name, name));
    const transient = await handle.db
      .select({ id: sslCertificates.id })
      .from(sslCertificates)
      .where(eq(sslCertificates.status, "creating"));
    const strayObjects = [
      ...(await strays(handle.db, c.actor, c.groups.local)),
      ...(await strays(handle.db, c.actor, c.groups.ha)),
    ];
    const usable = await newKeyWorks(handle.db, c.actor, groupId, `${name}-after`);
    const status = row?.status ?? null;
    const clean =
      killed && status === kp.expect && transient.length === 0 && strayObjects.length === 0 && usable;
    return { killed, status, transientRows: transient.length, strayObjects, usable, clean };
  } finally {
    // The restarted console (this process) keeps its PKCS#11 workers from round to round: only
    // the creating console and its workers are killed. The database goes back to the next child.
    await handle.close();
  }
}

/** The next round starts with fresh workers and logins, as a restarted console does. */
async function restartHsmConnections(): Promise<void> {
  await closeAllConnections();
  forgetLogins();
}

/** Objects carrying the console's label or a certificate's CKA_ID that no live row holds whole. */
async function strays(db: Db, actor: Actor, groupId: string): Promise<string[]> {
  const access = await openHsmGroup(db, actor.tenantId, groupId);
  const live = await db
    .select({ keyIdHex: sslCertificates.keyIdHex })
    .from(sslCertificates)
    .where(
      and(
        eq(sslCertificates.hsmGroupId, groupId),
        inArray(sslCertificates.status, ["active", "awaiting-certificate"]),
      ),
    );
  const liveIds = new Set(live.map((r) => r.keyIdHex));
  const all = await db
    .select({ keyIdHex: sslCertificates.keyIdHex })
    .from(sslCertificates)
    .where(eq(sslCertificates.hsmGroupId, groupId));
  const known = new Set(all.map((r) => r.keyIdHex));
  const out: string[] = [];
  for (const m of access.members) {
    const objects = await m.client.listObjects(m.token);
    for (const o of objects) {
      if (!o.label.startsWith(LABEL_PREFIX) && !known.has(o.idHex)) continue;
      if (!liveIds.has(o.idHex)) out.push(`${m.name}: ${o.class} ${o.label}`);
    }
    // A live certificate's key must be whole on every member.
    for (const id of liveIds) {
      const classes = objects.filter((o) => o.idHex === id).map((o) => o.class);
      if (!classes.includes("private-key") || !classes.includes("public-key"))
        out.push(`${m.name}: incomplete key ${id} (${classes.join(", ") || "nothing"})`);
    }
  }
  return out;
}

async function newKeyWorks(db: Db, actor: Actor, groupId: string, name: string): Promise<boolean> {
  const { row, completion } = await createCertificate(db, actor, {
    name,
    type: "self-signed",
    hsmGroupId: groupId,
    key: "EC-P-256",
    commonName: `${name}.test`,
    validityDays: 30,
  });
  await completion;
  try {
    const { results } = await testCertificateKey(db, actor, row.id);
    return results.length > 0 && results.every((r) => r.ok);
  } catch {
    return false;
  }
}
