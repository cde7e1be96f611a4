import { asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { ZCreateTenantInput } from "@/lib/schemas/users";
import type { Db } from "@/server/db";
import { tenants } from "@/server/db/schema";
import type { Actor } from "../actor";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";

function assertProvider(actor: Actor): void {
  if (actor.tenantName !== DEFAULT_TENANT) {
    throw new AppError("FORBIDDEN", "Tenants are managed by administrators of the admin tenant.");
  }
}

/** Administrators of the admin tenant see every tenant; others see only their own. */
export async function listTenants(db: Db, actor: Actor) {
  const query = db.select().from(tenants);
  const rows = await (actor.tenantName === DEFAULT_TENANT
    ? query
    : query.where(eq(tenants.id, actor.tenantId))
  ).orderBy(asc(tenants.name));
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.createdAt.toISOString() }));
}

export async function createTenant(db: Db, actor: Actor, raw: { name: string }) {
  assertProvider(actor);
  const input = ZCreateTenantInput.parse(raw);
  const [row] = await db.insert(tenants).values({ name: input.name }).onConflictDoNothing().returning();
  if (!row)
    throw new AppError("CONFLICT", `A tenant named "${input.name}" already exists.`, { field: "name" });
  return { id: row.id, name: row.name, createdAt: row.createdAt.toISOString() };
}
