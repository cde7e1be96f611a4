/**
 * The certificate's life as rows: written "creating" (intent first), then active,
 * awaiting-certificate or failed; with it the key's place (URI, members holding it, or the sealed
 * software key). Queries only: the services decide when each transition is allowed.
 */
import { and, eq, lt } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { sslCertificates } from "@/server/db/schema";
import type { CertificateRow } from "./load";

export type NewCertificate = typeof sslCertificates.$inferInsert;
/** Columns a transition may set (never the id, tenant or creation time). */
export type CertificateChanges = Partial<Omit<NewCertificate, "id" | "tenantId" | "createdAt" | "updatedAt">>;

export async function insertCertificate(db: DbOrTx, values: NewCertificate): Promise<CertificateRow> {
  const [row] = await db.insert(sslCertificates).values(values).returning();
  return row!;
}

/** Sets columns of one certificate (its updated_at too), whatever its status. */
export async function updateCertificate(db: DbOrTx, id: string, changes: CertificateChanges): Promise<void> {
  await db
    .update(sslCertificates)
    .set({ ...changes, updatedAt: new Date() })
    .where(eq(sslCertificates.id, id));
}

/** Leaves "creating" only if the row is still creating; false when it is gone or was resolved. */
export async function finishCreating(db: DbOrTx, id: string, changes: CertificateChanges): Promise<boolean> {
  const updated = await db
    .update(sslCertificates)
    .set({ ...changes, updatedAt: new Date() })
    .where(and(eq(sslCertificates.id, id), eq(sslCertificates.status, "creating")))
    .returning({ id: sslCertificates.id });
  return updated.length > 0;
}

/** Marks the certificate failed with the reason shown to the user. */
export function markFailed(db: DbOrTx, id: string, reason: string): Promise<void> {
  return updateCertificate(db, id, { status: "failed", failureReason: reason });
}

/** Marks a creation failed only while it is still creating. */
export async function failCreating(db: DbOrTx, id: string, reason: string): Promise<boolean> {
  return finishCreating(db, id, { status: "failed", failureReason: reason });
}

/**
 * Claims a stale creation for one console node: moves updated_at to `now` only if the row is still
 * creating and older than the cutoff (a node that dies leaves the claim to expire).
 */
export async function claimStaleCreation(db: DbOrTx, id: string, cutoff: Date, now: Date): Promise<boolean> {
  const won = await db
    .update(sslCertificates)
    .set({ updatedAt: now })
    .where(
      and(
        eq(sslCertificates.id, id),
        eq(sslCertificates.status, "creating"),
        lt(sslCertificates.updatedAt, cutoff),
      ),
    )
    .returning({ id: sslCertificates.id });
  return won.length > 0;
}

export async function deleteCertificateRow(db: DbOrTx, id: string): Promise<void> {
  await db.delete(sslCertificates).where(eq(sslCertificates.id, id));
}
