import { and, eq, inArray, ne } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, sslCertificates } from "@/server/db/schema";

export type CertificateRow = typeof sslCertificates.$inferSelect;

/** A certificate of the tenant, or NOT_FOUND (other tenants' rows do not exist for them). */
export async function loadCertificate(db: DbOrTx, tenantId: string, id: string): Promise<CertificateRow> {
  const row = await findCertificate(db, tenantId, id);
  if (!row) throw new AppError("NOT_FOUND", "This certificate does not exist in your tenant.");
  return row;
}

/**
 * A certificate with the HSM group holding its key (null: none), or null. tenantId null reads any
 * tenant's: for the system itself, acting on a choice an admin made.
 */
export async function certificateWithGroup(
  db: DbOrTx,
  tenantId: string | null,
  id: string,
): Promise<{ cert: CertificateRow; group: typeof hsmGroups.$inferSelect | null } | null> {
  const [row] = await db
    .select({ cert: sslCertificates, group: hsmGroups })
    .from(sslCertificates)
    .leftJoin(hsmGroups, eq(hsmGroups.id, sslCertificates.hsmGroupId))
    .where(and(eq(sslCertificates.id, id), tenantId ? eq(sslCertificates.tenantId, tenantId) : undefined));
  return row ?? null;
}

/** The same tenant-checked read for callers that answer a missing row their own way. */
export async function findCertificate(
  db: DbOrTx,
  tenantId: string,
  id: string,
): Promise<CertificateRow | undefined> {
  const [row] = await db
    .select()
    .from(sslCertificates)
    .where(and(eq(sslCertificates.id, id), eq(sslCertificates.tenantId, tenantId)));
  return row;
}

/** The id of the tenant's certificate with this name (names are unique per tenant), or null. */
export async function certificateIdNamed(db: DbOrTx, tenantId: string, name: string): Promise<string | null> {
  const [row] = await db
    .select({ id: sslCertificates.id })
    .from(sslCertificates)
    .where(and(eq(sslCertificates.tenantId, tenantId), eq(sslCertificates.name, name)));
  return row?.id ?? null;
}

/** Another certificate (a reference) uses the same key in the same group. */
export async function keySharedWithAnother(
  db: DbOrTx,
  row: { id: string; hsmGroupId: string; keyIdHex: string },
): Promise<boolean> {
  const [other] = await db
    .select({ id: sslCertificates.id })
    .from(sslCertificates)
    .where(
      and(
        eq(sslCertificates.hsmGroupId, row.hsmGroupId),
        eq(sslCertificates.keyIdHex, row.keyIdHex),
        ne(sslCertificates.id, row.id),
      ),
    )
    .limit(1);
  return !!other;
}

/** The certificate PEM of a tenant's certificate (null: none, or not the tenant's). */
export async function certificatePemOf(db: DbOrTx, tenantId: string, id: string): Promise<string | null> {
  const [row] = await db
    .select({ pem: sslCertificates.certificatePem })
    .from(sslCertificates)
    .where(and(eq(sslCertificates.id, id), eq(sslCertificates.tenantId, tenantId)));
  return row?.pem ?? null;
}

/** These certificates (any tenant: the caller got the ids from its own tenant's rows). */
export function certificatesByIds(db: DbOrTx, ids: string[]): Promise<CertificateRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.select().from(sslCertificates).where(inArray(sslCertificates.id, ids));
}
