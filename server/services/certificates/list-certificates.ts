import { and, asc, count, desc, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { type ListCertificatesInput, ZListCertificatesInput } from "@/lib/schemas/certificate";
import { EXPIRING_WITHIN_DAYS } from "@/server/certs";
import type { Db } from "@/server/db";
import { sslCertificates } from "@/server/db/schema";
import type { Actor } from "../actor";
import { groupNames, usersOf } from "./load";
import { SUMMARY_COLUMNS, toSummary } from "./to-certificate";

/**
 * One page of the tenant's certificates; sorting and search in SQL. The expiry order matches the
 * index (tenant_id, not_after, name), so the first page costs the same with 10 or 10,000 rows.
 */
export async function listCertificates(db: Db, actor: Actor, raw: ListCertificatesInput) {
  const input = ZListCertificatesInput.parse(raw);
  const conditions: SQL[] = [eq(sslCertificates.tenantId, actor.tenantId)];
  if (input.search) {
    const pattern = `%${input.search.replace(/[\\%_]/g, "\\$&")}%`;
    conditions.push(
      or(
        ilike(sslCertificates.name, pattern),
        ilike(sslCertificates.subjectCn, pattern),
        ilike(sslCertificates.issuer, pattern),
      )!,
    );
  }
  const where = and(...conditions);
  const dir = input.direction === "desc" ? desc : asc;
  // Certificates without a date (creating, awaiting) sort after dated ones either way.
  const order =
    input.sort === "expiry"
      ? [sql`${sslCertificates.notAfter} ${sql.raw(input.direction)} nulls last`, asc(sslCertificates.name)]
      : [dir(sslCertificates.name)];
  const [rows, totals] = await Promise.all([
    db
      .select(SUMMARY_COLUMNS)
      .from(sslCertificates)
      .where(where)
      .orderBy(...order)
      .limit(input.pageSize)
      .offset((input.page - 1) * input.pageSize),
    db.select({ total: count() }).from(sslCertificates).where(where),
  ]);
  const [names, users] = await Promise.all([
    groupNames(
      db,
      rows.map((r) => r.hsmGroupId),
    ),
    usersOf(
      db,
      rows.map((r) => r.id),
    ),
  ]);
  return {
    items: rows.map((r) =>
      toSummary(r, r.hsmGroupId ? (names.get(r.hsmGroupId) ?? null) : null, users.get(r.id) ?? []),
    ),
    total: totals[0]?.total ?? 0,
    page: input.page,
    pageSize: input.pageSize,
  };
}

const DAY = 86_400_000;

/** The expiry timeline: counts per horizon and the certificates that expire first. */
export async function certificateTimeline(db: Db, actor: Actor, now = new Date()) {
  const at = (days: number) => new Date(now.getTime() + days * DAY);
  const horizon = (from: Date | null, to: Date | null) =>
    sql<number>`count(*) filter (where ${sslCertificates.notAfter} is not null${from ? sql` and ${sslCertificates.notAfter} >= ${from}` : sql``}${to ? sql` and ${sslCertificates.notAfter} < ${to}` : sql``})`.mapWith(
      Number,
    );
  const [counts] = await db
    .select({
      expired: horizon(null, now),
      soon: horizon(now, at(EXPIRING_WITHIN_DAYS)),
      quarter: horizon(at(EXPIRING_WITHIN_DAYS), at(90)),
      year: horizon(at(90), at(365)),
      later: horizon(at(365), null),
    })
    .from(sslCertificates)
    .where(and(eq(sslCertificates.tenantId, actor.tenantId), eq(sslCertificates.status, "active")));
  const soonest = await db
    .select({ id: sslCertificates.id, name: sslCertificates.name, notAfter: sslCertificates.notAfter })
    .from(sslCertificates)
    .where(and(eq(sslCertificates.tenantId, actor.tenantId), eq(sslCertificates.status, "active")))
    .orderBy(sql`${sslCertificates.notAfter} asc nulls last`)
    .limit(8);
  return {
    buckets: [
      { label: "Expired", count: counts?.expired ?? 0, state: "expired" as const },
      { label: `Within ${EXPIRING_WITHIN_DAYS} days`, count: counts?.soon ?? 0, state: "expiring" as const },
      { label: "31–90 days", count: counts?.quarter ?? 0, state: "good" as const },
      { label: "91–365 days", count: counts?.year ?? 0, state: "good" as const },
      { label: "Over a year", count: counts?.later ?? 0, state: "good" as const },
    ],
    soonest: soonest
      .filter((s) => s.notAfter)
      .map((s) => ({ id: s.id, name: s.name, notAfter: s.notAfter!.toISOString() })),
  };
}
