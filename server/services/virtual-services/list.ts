import { and, asc, eq } from "drizzle-orm";
import { AppError } from "@/lib/errors";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import type { Db } from "@/server/db";
import { hsmGroups, serviceEngineGroups, sslCertificates, virtualServices } from "@/server/db/schema";
import type { Actor } from "../actor";

function query(db: Db) {
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

type Row = Awaited<ReturnType<ReturnType<typeof query>["where"]>>[number];

function toView({ vs, certificateName, seGroupName }: Row): VirtualServiceView {
  return {
    id: vs.id,
    name: vs.name,
    vip: vs.vip,
    ports: vs.ports,
    certificateId: vs.certificateId,
    certificateName,
    pool: vs.pool,
    healthCheckPath: vs.healthCheck?.path ?? null,
    seGroupId: vs.seGroupId,
    seGroupName,
    enabled: vs.enabled,
    state: vs.state,
    stateReason: vs.stateReason,
  };
}

export async function listVirtualServices(db: Db, actor: Actor): Promise<VirtualServiceView[]> {
  const rows = await query(db)
    .where(eq(virtualServices.tenantId, actor.tenantId))
    .orderBy(asc(virtualServices.name));
  return rows.map(toView);
}

export async function getVirtualService(db: Db, actor: Actor, id: string): Promise<VirtualServiceView> {
  const [row] = await query(db).where(
    and(eq(virtualServices.id, id), eq(virtualServices.tenantId, actor.tenantId)),
  );
  if (!row) throw new AppError("NOT_FOUND", "This virtual service does not exist in your tenant.");
  return toView(row);
}

/** The wizard's drop-downs: active certificates (HSM ones marked with their group) and SE groups. */
export async function virtualServiceChoices(db: Db, actor: Actor) {
  const certificates = await db
    .select({
      id: sslCertificates.id,
      name: sslCertificates.name,
      hsmGroupId: sslCertificates.hsmGroupId,
      hsmGroupName: hsmGroups.name,
    })
    .from(sslCertificates)
    .leftJoin(hsmGroups, eq(hsmGroups.id, sslCertificates.hsmGroupId))
    .where(and(eq(sslCertificates.tenantId, actor.tenantId), eq(sslCertificates.status, "active")))
    .orderBy(asc(sslCertificates.name));
  const seGroups = await db
    .select({
      id: serviceEngineGroups.id,
      name: serviceEngineGroups.name,
      hsmGroupId: serviceEngineGroups.hsmGroupId,
    })
    .from(serviceEngineGroups)
    .where(eq(serviceEngineGroups.tenantId, actor.tenantId))
    .orderBy(asc(serviceEngineGroups.name));
  return { certificates, seGroups };
}
