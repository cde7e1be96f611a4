import { eq, sql } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import { type CreateUserInput, type User, ZCreateUserInput } from "@/lib/schemas/users";
import { hashPassword } from "@/server/crypto/passwords";
import type { Db } from "@/server/db";
import { tenants, users } from "@/server/db/schema";
import type { Actor } from "../actor";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";
import { toUser } from "./to-user";

export async function createUser(db: Db, actor: Actor, raw: CreateUserInput): Promise<User> {
  const input = ZCreateUserInput.parse(raw);
  const tenant = await targetTenant(db, actor, input.tenantName);
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.username})`, input.username.toLowerCase()));
    if (taken) {
      throw new AppError(
        "CONFLICT",
        `A user named "${input.username}" already exists. Choose another username.`,
        {
          field: "username",
        },
      );
    }
    const [row] = await tx
      .insert(users)
      .values({ tenantId: tenant.id, username: input.username, passwordHash, role: input.role })
      .returning();
    return toUser(row!, tenant.name);
  });
}

async function targetTenant(db: Db, actor: Actor, tenantName: string | undefined) {
  if (!tenantName || tenantName === actor.tenantName) return { id: actor.tenantId, name: actor.tenantName };
  if (actor.tenantName !== DEFAULT_TENANT) {
    throw new AppError(
      "FORBIDDEN",
      "Only administrators of the admin tenant can create users in other tenants.",
      {
        field: "tenantName",
      },
    );
  }
  const [row] = await db.select().from(tenants).where(eq(tenants.name, tenantName));
  if (!row)
    throw new AppError("VALIDATION", `There is no tenant named "${tenantName}".`, { field: "tenantName" });
  return { id: row.id, name: row.name };
}
