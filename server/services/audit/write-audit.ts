import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "@/server/db";
import { auditLog } from "@/server/db/schema";
import { countAuditEvent } from "@/server/observability/metrics";

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

/**
 * Appends one audit entry. Callers pass facts, never inputs wholesale (inputs hold secrets).
 * Text that came from a request (a refused name, a file name) may hold control characters that
 * PostgreSQL text and jsonb cannot store (NUL): they are replaced, so a refusal is always recorded.
 */
export async function writeAudit(db: Db, entry: AuditEntryInput): Promise<void> {
  countAuditEvent(entry.outcome);
  if (entry.outcome !== "success" && (entry.actorId === null || entry.unauthenticated))
    return countRefusal(db, entry);
  await db.insert(auditLog).values({
    tenantId: entry.tenantId,
    actorId: entry.actorId,
    actorName: printable(entry.actorName),
    address: entry.address === null ? null : printable(entry.address),
    action: entry.action,
    objectType: entry.objectType ?? null,
    objectId: entry.objectId ? printable(entry.objectId) : null,
    objectName: entry.objectName ? printable(entry.objectName) : null,
    outcome: entry.outcome,
    detail: entry.detail
      ? (JSON.parse(printable(JSON.stringify(entry.detail))) as Record<string, unknown>)
      : null,
  });
}

/** Control characters (as JSON escapes or raw) shown as U+FFFD. */
function printable(text: string): string {
  return text.replace(/\\u00[01][0-9a-fA-F]|\\u007[fF]/g, "\\ufffd").replace(/\p{Cc}/gu, "\ufffd");
}

/** Refusals of callers who are not signed in are summed per hour, not written one row each. */
const WINDOW_MS = 3600_000;

/**
 * One audit row per action, address, object and hour holds the number of refusals (detail.refusals)
 * and the last reason: a flood of anonymous calls cannot grow the audit log or hide other entries.
 * The attempted username is not kept (it is the caller's text, unbounded); a known object (an API
 * token) is.
 */
async function countRefusal(db: Db, entry: AuditEntryInput): Promise<void> {
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
