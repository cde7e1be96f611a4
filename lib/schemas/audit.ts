import { z } from "zod";

export const AUDIT_OUTCOMES = ["success", "failure", "denied"] as const;

export const ZAuditListInput = z.object({
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(100).default(50),
  actor: z.string().trim().max(64).optional(),
  action: z.string().trim().max(128).optional(),
  objectType: z.string().trim().max(64).optional(),
  outcome: z.enum(AUDIT_OUTCOMES).optional(),
  from: z.iso.datetime({ offset: true, message: "Use an ISO date-time." }).optional(),
  to: z.iso.datetime({ offset: true, message: "Use an ISO date-time." }).optional(),
});
export type AuditListInput = z.input<typeof ZAuditListInput>;

export const ZAuditEntry = z.object({
  id: z.number(),
  at: z.string(),
  actorName: z.string(),
  address: z.string().nullable(),
  action: z.string(),
  objectType: z.string().nullable(),
  objectId: z.string().nullable(),
  objectName: z.string().nullable(),
  outcome: z.enum(AUDIT_OUTCOMES),
  detail: z.record(z.string(), z.unknown()).nullable(),
});
export type AuditEntry = z.infer<typeof ZAuditEntry>;

export const ZAuditPage = z.object({
  items: z.array(ZAuditEntry),
  total: z.number(),
  page: z.number(),
  pageSize: z.number(),
});
