import { and, asc, eq, isNotNull } from "drizzle-orm";
import type { Db } from "@/server/db";
import { sslCertificates, tenants } from "@/server/db/schema";

/** Active certificates with an expiry, soonest first, across tenants (for /metrics), capped. */
export function certificateExpiries(
  db: Db,
  limit = 1000,
): Promise<Array<{ id: string; name: string; tenant: string; notAfter: Date | null }>> {
  return db
    .select({
      id: sslCertificates.id,
      name: sslCertificates.name,
      tenant: tenants.name,
      notAfter: sslCertificates.notAfter,
    })
    .from(sslCertificates)
    .innerJoin(tenants, eq(tenants.id, sslCertificates.tenantId))
    .where(and(isNotNull(sslCertificates.notAfter), eq(sslCertificates.status, "active")))
    .orderBy(asc(sslCertificates.notAfter))
    .limit(limit);
}
