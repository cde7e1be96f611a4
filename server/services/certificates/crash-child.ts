/**
 * Test-only child process for the crash test (run with `node --import tsx`): opens the console's
 * database in HSM_CONSOLE_DATA, creates a certificate in Local-SoftHSM and waits for its background
 * work. With a pause file (second argument) it stops between key creation and activation (a hook
 * installed here, never in production), announces it with "<file>.reached", and the test kills it.
 */
import fs from "node:fs";
import path from "node:path";
import { eq } from "drizzle-orm";
import { openDb } from "@/server/db/client";
import { hsmGroups, users } from "@/server/db/schema";
import { LOCAL_HSM_GROUP } from "../hsm-groups/local-softhsm";
import { createCertificate } from "./create-certificate";
import { setCreationHook } from "./creation-hooks";

async function main(): Promise<void> {
  const [name, pauseFile] = process.argv.slice(2);
  if (pauseFile)
    setCreationHook(async (point) => {
      if (point !== "after-key") return;
      fs.writeFileSync(`${pauseFile}.reached`, "");
      while (!fs.existsSync(pauseFile)) await new Promise((r) => setTimeout(r, 50));
    });
  const dataDir = process.env.HSM_CONSOLE_DATA!;
  const handle = await openDb({ pgliteDir: path.join(dataDir, "db") });
  const [group] = await handle.db.select().from(hsmGroups).where(eq(hsmGroups.name, LOCAL_HSM_GROUP));
  const [user] = await handle.db.select().from(users).where(eq(users.tenantId, group!.tenantId));
  const { completion } = await createCertificate(
    handle.db,
    {
      userId: user!.id,
      username: user!.username,
      role: user!.role,
      tenantId: group!.tenantId,
      tenantName: "admin",
      address: null,
    },
    {
      name: name!,
      type: "self-signed",
      hsmGroupId: group!.id,
      key: "EC-P-256",
      commonName: `${name}.test`,
      validityDays: 30,
    },
  );
  await completion;
  await handle.close();
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
