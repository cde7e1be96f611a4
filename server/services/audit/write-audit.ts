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

/**
 * Appends one audit entry. Callers pass facts, never inputs wholesale (inputs hold secrets).
 * Text that came from a request (a refused name, a file name) may hold control characters that
 * PostgreSQL text and jsonb cannot store (NUL): they are replaced, so a refusal is always recorded.
 */
export async function writeAudit(db: Db, entry: AuditEntryInput): Promise<void> {
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
