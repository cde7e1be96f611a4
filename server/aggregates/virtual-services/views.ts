import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { DbOrTx } from "@/server/db";
import { serviceEngineGroups, sslCertificates, virtualServices } from "@/server/db/schema";

export type VirtualServiceRow = typeof virtualServices.$inferSelect;

/** A virtual service with the names of its certificate and SE group, as the screens show it. */
export interface VirtualServiceWithNames {
  vs: VirtualServiceRow;
  certificateName: string | null;
  seGroupName: string;
}

function withNames(db: DbOrTx) {
  return db
    .select({
      vs: virtualServices,
      certificateName: sslCertificates.name,
      seGroupName: serviceEngineGroups.name,
    })
    .from(virtualServices)
    .innerJoin(serviceEngineGroups, eq(serviceEngineGroups.id, virtualServices.seGroupId))
    .leftJoin(sslCertificates, eq(sslCertificates.id, virtualServices.certificateId));
}

/** The tenant's virtual services by name. */
export function virtualServicesOf(db: DbOrTx, tenantId: string): Promise<VirtualServiceWithNames[]> {
  return withNames(db).where(eq(virtualServices.tenantId, tenantId)).orderBy(asc(virtualServices.name));
}

/** One virtual service of the tenant, or NOT_FOUND (other tenants' services do not exist for them). */
export async function loadVirtualServiceWithNames(
  db: DbOrTx,
  tenantId: string,
  id: string,
): Promise<VirtualServiceWithNames> {
  const [row] = await withNames(db).where(
    and(eq(virtualServices.id, id), eq(virtualServices.tenantId, tenantId)),
  );
  if (!row) throw notFound();
  return row;
}

/** The row alone, tenant-checked (NOT_FOUND otherwise). */
export async function loadVirtualService(
  db: DbOrTx,
  tenantId: string,
  id: string,
): Promise<VirtualServiceRow> {
  const [row] = await db
    .select()
    .from(virtualServices)
    .where(and(eq(virtualServices.id, id), eq(virtualServices.tenantId, tenantId)));
  if (!row) throw notFound();
  return row;
}

export function notFound(): AppError {
  return new AppError("NOT_FOUND", "This virtual service does not exist in your tenant.");
}
