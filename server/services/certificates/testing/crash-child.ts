/**
 * Test-only child process for the crash test and bench (run with `node --import tsx`): opens the
 * console's database in HSM_CONSOLE_DATA and runs one creation (self-signed, CSR or import) with a
 * kill point armed, either in the service (a creation hook) or in the PKCS#11 worker (a worker
 * test point, which needs HSM_PKCS11_TEST_HOOKS=1 in this process's environment). At the point it
 * writes the "reached" file and waits: the test kills the process group there (SIGKILL).
 * Argument: the JSON of a CrashOrder.
 */
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { openDb } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { openHsmGroup } from "@/server/hsm/hsm-access";
import { createSelfSignedCertificate, type WorkerTestPoint } from "@/server/pkcs11";
import type { Actor } from "../../actor";
import { createCertificate } from "../create-certificate";
import { type CreationPoint, setCreationHook } from "../creation-hooks";
import { importCertificate } from "../import-certificate";
import { generateSoftwareKey, softwareSigner } from "../key-material";

export interface CrashOrder {
  name: string;
  kind: "self-signed" | "csr" | "import";
  groupId: string;
  userId: string;
  point: CreationPoint | WorkerTestPoint;
  reachedFile: string;
}

const SERVICE_POINTS: string[] = ["before-row", "after-row", "after-key"];

async function main(): Promise<void> {
  const order = JSON.parse(process.argv[2]!) as CrashOrder;
  const dataDir = process.env.HSM_CONSOLE_DATA!;
  const handle = await openDb({ pgliteDir: path.join(dataDir, "db") });
  const [user] = await handle.db.select().from(users).where(eq(users.id, order.userId));
  const actor: Actor = {
    userId: user!.id,
    username: user!.username,
    role: user!.role,
    tenantId: user!.tenantId,
    tenantName: "admin",
    address: null,
  };
  const stop = async () => {
    fs.writeFileSync(order.reachedFile, `${order.point} ${process.pid}\n`);
    await new Promise<never>(() => undefined);
  };
  if (SERVICE_POINTS.includes(order.point)) {
    setCreationHook((point) => (point === order.point ? stop() : undefined));
  } else {
    const access = await openHsmGroup(handle.db, actor.tenantId, order.groupId);
    const point = order.point as WorkerTestPoint;
    for (const m of access.members)
      await m.client.connection.call("armTestPoint", { point, reachedFile: order.reachedFile });
  }
  if (order.kind === "import") {
    const keyPem = await generateSoftwareKey({ type: "EC", curve: "P-256" });
    const { pem } = await createSelfSignedCertificate(softwareSigner(keyPem), {
      token: { label: "database" },
      idHex: "00",
      subject: `CN=${order.name}.test`,
      dnsNames: [`${order.name}.test`],
      ipAddresses: [],
      days: 30,
    });
    await importCertificate(handle.db, actor, {
      name: order.name,
      hsmGroupId: order.groupId,
      keyPem,
      certificatePem: pem,
    });
  } else {
    const { completion } = await createCertificate(handle.db, actor, {
      name: order.name,
      type: order.kind,
      hsmGroupId: order.groupId,
      key: "EC-P-256",
      commonName: `${order.name}.test`,
      validityDays: 30,
    });
    await completion;
  }
  // Not killed: the point was never reached (the test reports it).
  fs.writeFileSync(order.reachedFile, "completed\n");
  await handle.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
