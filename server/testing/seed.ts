import { eq } from "drizzle-orm";
import type { Role } from "@/lib/roles";
import type { SessionUser } from "@/lib/schemas/auth";
import { hashPassword } from "@/server/crypto/passwords";
import type { Db } from "@/server/db";
import { tenants, users } from "@/server/db/schema";

/** Creates (or reuses) a tenant and a user in it; returns the session user procedures see. */
export async function seedUser(
  db: Db,
  opts: { username: string; role?: Role; tenant?: string; password?: string },
): Promise<SessionUser> {
  const tenantName = opts.tenant ?? "admin";
  await db.insert(tenants).values({ name: tenantName }).onConflictDoNothing();
  const [tenant] = await db.select().from(tenants).where(eq(tenants.name, tenantName));
  const [user] = await db
    .insert(users)
    .values({
      tenantId: tenant!.id,
      username: opts.username,
      role: opts.role ?? "admin",
      passwordHash: await hashPassword(opts.password ?? "a-long-test-password"),
    })
    .returning();
  return { id: user!.id, username: user!.username, role: user!.role, tenantId: tenant!.id, tenantName };
}
