import type { User } from "@/lib/schemas/users";
import type { users } from "@/server/db/schema";

type UserRow = typeof users.$inferSelect;

/** The public view of a user row: never the password hash. */
export function toUser(row: UserRow, tenantName: string): User {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    tenantName,
    disabled: row.disabled,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
