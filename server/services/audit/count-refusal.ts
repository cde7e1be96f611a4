import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { auditLog } from "@/server/db/schema";
import type { AuditEntryInput } from "./write-audit";

/** Refusals of callers who are not signed in are summed per hour, not written one row each. */
const WINDOW_MS = 3600_000;

/**
 * One audit row per action, address, object and hour holds the number of refusals (detail.refusals)
 * and the last reason: a flood of anonymous calls cannot grow the audit log or hide other entries.
 * The attempted username is not kept (it is the caller's text, unbounded); a known object (an API
 * token) is.
 */
export async function countRefusal(db: Db, entry: AuditEntryInput): Promise<void> {
  const window = new Date(Math.floor(Date.now() / WINDOW_MS) * WINDOW_MS).toISOString();
  const objectId = entry.objectId ?? null;
  const lockKey = `audit-refusal|${entry.action}|${entry.address ?? ""}|${objectId ?? ""}|${window}`;
  const reason = { lastCode: entry.detail?.code ?? null, lastMessage: entry.detail?.message ?? null };
  await db.transaction(async (tx) => {
    // Serialises the first refusal of a window across nodes: exactly one row per key and hour.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${lockKey}))`);
    const updated = await tx
      .update(auditLog)
      .set({
        detail: sql`${auditLog.detail} || jsonb_build_object('refusals', (${auditLog.detail}->>'refusals')::int + 1, 'lastAt', now()::text) || ${JSON.stringify(reason)}::jsonb`,
      })
      .where(
        and(
          eq(auditLog.action, entry.action),
          entry.address === null ? isNull(auditLog.address) : eq(auditLog.address, entry.address),
          objectId === null ? isNull(auditLog.objectId) : eq(auditLog.objectId, objectId),
          isNull(auditLog.actorId),
          sql`${auditLog.detail}->>'window' = ${window}`,
        ),
      )
      .returning({ id: auditLog.id });
    if (updated.length > 0) return;
    await tx.insert(auditLog).values({
      tenantId: entry.tenantId,
      actorId: null,
      actorName: "not signed in",
      address: entry.address,
      action: entry.action,
      objectType: entry.objectType ?? null,
      objectId,
      objectName: objectId ? (entry.objectName ?? null) : null,
      outcome: entry.outcome,
      detail: { refusals: 1, window, ...reason },
    });
  });
}
