import { and, desc, eq } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { auditLog } from "@/server/db/schema";

/** The tenant's audit entries about one object, newest first (a detail page's history). */
export function objectHistory(db: DbOrTx, tenantId: string, objectId: string, limit = 100) {
  return db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.tenantId, tenantId), eq(auditLog.objectId, objectId)))
    .orderBy(desc(auditLog.at), desc(auditLog.id))
    .limit(limit);
}
