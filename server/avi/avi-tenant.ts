import { AppError } from "@/lib/errors";
import { writeAudit } from "@/server/services/audit/write-audit";
import { type AviGuarded, isWrite } from "./avi-auth";
import { consoleId } from "./ids";

/**
 * X-Avi-Tenant (or X-Avi-Tenant-UUID) is honoured within the caller's rights: a user acts in
 * their own tenant only, so naming another one is refused rather than ignored (`*`, Avi's "all
 * tenants", means the caller's own). A refused write is audited.
 */
export async function checkTenant(req: Request, guarded: AviGuarded): Promise<void> {
  const user = guarded.user;
  if (!user) return;
  const name = req.headers.get("x-avi-tenant");
  const uuid = req.headers.get("x-avi-tenant-uuid");
  let refusal: string | null = null;
  if (name && name !== user.tenantName && name !== "*") {
    refusal = `X-Avi-Tenant names "${name}", but ${user.username} belongs to tenant "${user.tenantName}" and can act only there.`;
  } else if (uuid && consoleId("tenant", uuid) !== user.tenantId) {
    refusal = `X-Avi-Tenant-UUID is not the tenant of ${user.username} ("${user.tenantName}").`;
  }
  if (!refusal) return;
  if (isWrite(req.method)) {
    await writeAudit(guarded.db, {
      tenantId: user.tenantId,
      actorId: user.id,
      actorName: user.username,
      address: guarded.address,
      action: "avi.tenant",
      objectType: "tenant",
      objectName: name ?? uuid,
      outcome: "denied",
      detail: { code: "FORBIDDEN", message: refusal },
    });
  }
  throw new AppError("FORBIDDEN", refusal);
}
