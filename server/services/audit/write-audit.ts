import type { Db } from "@/server/db";
import { auditLog } from "@/server/db/schema";
import { countRefusal } from "./count-refusal";

export type AuditOutcome = "success" | "failure" | "denied";

export interface AuditEntryInput {
  tenantId: string | null;
  actorId: string | null;
  actorName: string;
  address: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  objectName?: string | null;
  outcome: AuditOutcome;
  detail?: Record<string, unknown> | null;
  /** The caller presented no valid credential (e.g. a refused API token of a known user). */
  unauthenticated?: boolean;
}

/** Appends one audit entry. Callers pass facts, never inputs wholesale (inputs hold secrets). */
export async function writeAudit(db: Db, entry: AuditEntryInput): Promise<void> {
  if (entry.outcome !== "success" && (entry.actorId === null || entry.unauthenticated))
    return countRefusal(db, entry);
  await db.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorId: entry.actorId,
    actorName: entry.actorName,
    address: entry.address,
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ?? null,
    objectName: entry.objectName ?? null,
    outcome: entry.outcome,
    detail: entry.detail ?? null,
  });
}
