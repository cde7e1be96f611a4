import { and, eq, inArray, ne } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { virtualServices } from "@/server/db/schema";
import type { VirtualServiceRow } from "./views";

/** The virtual services using each certificate (certificate id → services), any tenant. */
export async function virtualServicesUsingCertificates(
  db: DbOrTx,
  certificateIds: string[],
): Promise<Map<string, { id: string; name: string }[]>> {
  const out = new Map<string, { id: string; name: string }[]>();
  if (certificateIds.length === 0) return out;
  const rows = await db
    .select({
      id: virtualServices.id,
      name: virtualServices.name,
      certificateId: virtualServices.certificateId,
    })
    .from(virtualServices)
    .where(inArray(virtualServices.certificateId, certificateIds));
  for (const r of rows) {
    if (!r.certificateId) continue;
    out.set(r.certificateId, [...(out.get(r.certificateId) ?? []), { id: r.id, name: r.name }]);
  }
  return out;
}

/** Every tenant's virtual services on this VIP (but `exceptId`): a VIP:port is the machine's, not a tenant's. */
export function virtualServicesOnVip(
  db: DbOrTx,
  vip: string,
  exceptId: string | null,
): Promise<VirtualServiceRow[]> {
  return db
    .select()
    .from(virtualServices)
    .where(
      exceptId
        ? and(eq(virtualServices.vip, vip), ne(virtualServices.id, exceptId))
        : eq(virtualServices.vip, vip),
    );
}
