import { eq } from "drizzle-orm";
import { openDb } from "@/server/db/client";
import { users } from "@/server/db/schema";
import { createSession, resolveSession } from "@/server/services/auth/sessions";
import { ensureDefaultTenant } from "@/server/services/bootstrap/ensure-default-tenant";
import { opsPerSecond, report } from "./measure";

/** Every request resolves its session: compare with the cheapest possible single-row read. */
async function main(): Promise<void> {
  const handle = await openDb({ pgliteDir: "memory://" });
  const tenantId = await ensureDefaultTenant(handle.db);
  const [user] = await handle.db
    .insert(users)
    .values({ tenantId, username: "bench", passwordHash: "x", role: "admin" })
    .returning();
  const { token } = await createSession(handle.db, user!.id, null);
  const raw = await opsPerSecond(() => handle.db.select().from(users).where(eq(users.id, user!.id)));
  const resolved = await opsPerSecond(() => resolveSession(handle.db, token));
  report("session_resolve_per_s", resolved, 0);
  report("session_resolve_ratio", resolved / raw);
  await handle.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
