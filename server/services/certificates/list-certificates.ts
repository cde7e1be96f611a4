import { groupNames } from "@/server/aggregates/hsm-groups";
import { type ListCertificatesInput, ZListCertificatesInput } from "@/lib/schemas/certificate";
import {
  activeExpiryCounts,
  certificatePage,
  type ExpiryRange,
  soonestExpiring,
} from "@/server/aggregates/certificates";
import { virtualServicesUsingCertificates } from "@/server/aggregates/virtual-services";
import { EXPIRING_WITHIN_DAYS } from "@/server/certs";
import type { Db } from "@/server/db";
import type { Actor } from "../actor";
import { toSummary } from "./to-certificate";

/** One page of the tenant's certificates with their HSM group's name and the services using them. */
export async function listCertificates(db: Db, actor: Actor, raw: ListCertificatesInput) {
  const input = ZListCertificatesInput.parse(raw);
  const { rows, total } = await certificatePage(db, actor.tenantId, input);
  const [names, users] = await Promise.all([
    groupNames(
      db,
      rows.map((r) => r.hsmGroupId),
    ),
    virtualServicesUsingCertificates(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  return {
    items: rows.map((r) =>
      toSummary(r, r.hsmGroupId ? (names.get(r.hsmGroupId) ?? null) : null, users.get(r.id) ?? []),
    ),
    total,
    page: input.page,
    pageSize: input.pageSize,
  };
}

const DAY = 86_400_000;

/** The expiry timeline: counts per horizon and the certificates that expire first. */
export async function certificateTimeline(db: Db, actor: Actor, now = new Date()) {
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const ranges: Record<"expired" | "soon" | "quarter" | "year" | "later", ExpiryRange> = {
    expired: [null, now],
    soon: [now, at(EXPIRING_WITHIN_DAYS)],
    quarter: [at(EXPIRING_WITHIN_DAYS), at(90)],
    year: [at(90), at(365)],
    later: [at(365), null],
  };
  const counts = await activeExpiryCounts(db, actor.tenantId, ranges);
  const soonest = await soonestExpiring(db, actor.tenantId, 8);
  return {
    buckets: [
      { label: "Expired", count: counts.expired, state: "expired" as const },
      { label: `Within ${EXPIRING_WITHIN_DAYS} days`, count: counts.soon, state: "expiring" as const },
      { label: "31–90 days", count: counts.quarter, state: "good" as const },
      { label: "91–365 days", count: counts.year, state: "good" as const },
      { label: "Over a year", count: counts.later, state: "good" as const },
    ],
    soonest: soonest
      .filter((s) => s.notAfter)
      .map((s) => ({ id: s.id, name: s.name, notAfter: s.notAfter!.toISOString() })),
  };
}
