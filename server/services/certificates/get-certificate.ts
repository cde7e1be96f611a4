import { loadCertificate } from "@/server/aggregates/certificates";
import { groupNames } from "@/server/aggregates/hsm-groups";
import { virtualServicesUsingCertificates } from "@/server/aggregates/virtual-services";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { objectHistory } from "../audit/object-history";
import { toCertificate } from "./to-certificate";

export async function getCertificate(db: Db, actor: Actor, id: string) {
  const row = await loadCertificate(db, actor.tenantId, id);
  const [names, users] = await Promise.all([
    groupNames(db, [row.hsmGroupId]),
    virtualServicesUsingCertificates(db, [row.id]),
  ]);
  return toCertificate(
    row,
    row.hsmGroupId ? (names.get(row.hsmGroupId) ?? null) : null,
    users.get(row.id) ?? [],
  );
}

/** The certificate's audit history (entries whose object is this certificate). */
export async function certificateHistory(db: Db, actor: Actor, id: string) {
  const row = await loadCertificate(db, actor.tenantId, id);
  const entries = await objectHistory(db, actor.tenantId, row.id);
  return entries.map((e) => ({
    id: e.id,
    at: e.at.toISOString(),
    actorName: e.actorName,
    action: e.action,
    outcome: e.outcome,
    detail: e.detail ? describeDetail(e.detail) : null,
  }));
}

function describeDetail(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .filter(([, v]) => ["string", "number", "boolean"].includes(typeof v))
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join("; ");
}
