import { asc, eq } from "drizzle-orm";
import type { User } from "@/lib/schemas/users";
import type { Db } from "@/server/db";
import { tenants, users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { toUser } from "./to-user";

export async function listUsers(db: Db, actor: Actor): Promise<User[]> {
  const rows = await db
    .select({ user: users, tenantName: tenants.name })
    .from(users)
    .innerJoin(tenants, eq(tenants.id, users.tenantId))
    .where(eq(users.tenantId, actor.tenantId))
    .orderBy(asc(users.username));
  return rows.map((r) => toUser(r.user, r.tenantName));
}
