import { and, count, desc, eq, gte, ilike, inArray, isNull, lte, or, type SQL } from "drizzle-orm";
import { type AuditListInput, ZAuditListInput } from "@/lib/schemas/audit";
import type { Db } from "@/server/db";
import { auditLog } from "@/server/db/schema";
import type { Actor } from "../actor";
import { DEFAULT_TENANT } from "../bootstrap/ensure-default-tenant";

/** Object types spelled otherwise by earlier versions, read as today's (old rows are not rewritten). */
const LEGACY_OBJECT_TYPES: Record<string, string> = { hsmGroup: "hsm-group" };

function spellingsOf(objectType: string): string[] {
  return [
    objectType,
    ...Object.keys(LEGACY_OBJECT_TYPES).filter((k) => LEGACY_OBJECT_TYPES[k] === objectType),
  ];
}

/** The tenant's audit entries, newest first, filtered; text filters match substrings. */
export async function listAudit(db: Db, actor: Actor, rawInput: AuditListInput) {
  const input = ZAuditListInput.parse(rawInput);
  // Entries without a tenant (refused anonymous calls) belong to the provider: the admin tenant.
  const tenantScope =
    actor.tenantName === DEFAULT_TENANT
      ? or(eq(auditLog.tenantId, actor.tenantId), isNull(auditLog.tenantId))
      : eq(auditLog.tenantId, actor.tenantId);
  const conditions: SQL[] = [tenantScope!];
  if (input.actor) conditions.push(ilike(auditLog.actorName, `%${escapeLike(input.actor)}%`));
  if (input.action) conditions.push(ilike(auditLog.action, `%${escapeLike(input.action)}%`));
  if (input.objectType) conditions.push(inArray(auditLog.objectType, spellingsOf(input.objectType)));
  if (input.outcome) conditions.push(eq(auditLog.outcome, input.outcome));
  if (input.from) conditions.push(gte(auditLog.at, new Date(input.from)));
  if (input.to) conditions.push(lte(auditLog.at, new Date(input.to)));
  const where = and(...conditions);
  const [rows, totals] = await Promise.all([
    db
      .select()
      .from(auditLog)
      .where(where)
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(auditLog).where(where),
  ]);
  return {
    items: rows.map((r) => ({
      id: r.id,
      at: r.at.toISOString(),
      actorName: r.actorName,
      address: r.address,
      action: r.action,
      objectType: r.objectType === null ? null : (LEGACY_OBJECT_TYPES[r.objectType] ?? r.objectType),
      objectId: r.objectId,
      objectName: r.objectName,
      outcome: r.outcome,
      detail: r.detail ?? null,
    })),
    total: totals[0]?.total ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
