import { and, eq, inArray } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { Db } from "@/server/db";
import { hsmGroups, sslCertificates, virtualServices } from "@/server/db/schema";

export type CertificateRow = typeof sslCertificates.$inferSelect;

/** A certificate of the actor's tenant, or NOT_FOUND (other tenants' rows do not exist for them). */
export async function loadCertificate(db: Db, tenantId: string, id: string): Promise<CertificateRow> {
  const [row] = await db
    .select()
    .from(sslCertificates)
    .where(and(eq(sslCertificates.id, id), eq(sslCertificates.tenantId, tenantId)));
  if (!row) throw new AppError("NOT_FOUND", "This certificate does not exist in your tenant.");
  return row;
}

export async function groupNames(db: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((i): i is string => !!i))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .select({ id: hsmGroups.id, name: hsmGroups.name })
    .from(hsmGroups)
    .where(inArray(hsmGroups.id, wanted));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function usersOf(db: Db, ids: string[]): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (ids.length === 0) return out;
  const rows = await db
    .select({
      id: virtualServices.id,
      name: virtualServices.name,
      certificateId: virtualServices.certificateId,
    })
    .from(virtualServices)
    .where(inArray(virtualServices.certificateId, ids));
  for (const r of rows) {
    if (!r.certificateId) continue;
    out.set(r.certificateId, [...(out.get(r.certificateId) ?? []), { id: r.id, name: r.name }]);
  }
  return out;
}
