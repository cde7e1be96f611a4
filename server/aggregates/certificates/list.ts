import { and, asc, count, desc, eq, ilike, isNotNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { DbOrTx } from "@/server/db";
import { hsmGroups, sslCertificates } from "@/server/db/schema";
import type { CertificateRow } from "./load";

/**
 * The columns the list shows: the list selects only these, so that a page of 10,000 certificates
 * reads no PEMs, CSRs or key material.
 */
const SUMMARY_COLUMNS = {
  id: sslCertificates.id,
  name: sslCertificates.name,
  type: sslCertificates.type,
  status: sslCertificates.status,
  subjectCn: sslCertificates.subjectCn,
  subjectAltNames: sslCertificates.subjectAltNames,
  issuer: sslCertificates.issuer,
  keyAlgorithm: sslCertificates.keyAlgorithm,
  keyBits: sslCertificates.keyBits,
  keyCurve: sslCertificates.keyCurve,
  keyOrigin: sslCertificates.keyOrigin,
  keyMembers: sslCertificates.keyMembers,
  hsmGroupId: sslCertificates.hsmGroupId,
  notBefore: sslCertificates.notBefore,
  notAfter: sslCertificates.notAfter,
  failureReason: sslCertificates.failureReason,
};
export type SummaryRow = Pick<CertificateRow, keyof typeof SUMMARY_COLUMNS>;

export interface PageQuery {
  search?: string | undefined;
  sort: "name" | "expiry";
  direction: "asc" | "desc";
  page: number;
  pageSize: number;
}

/**
 * One page of the tenant's certificates; sorting and search in SQL. The expiry order matches the
 * index (tenant_id, not_after, name), so the first page costs the same with 10 or 10,000 rows.
 */
export async function certificatePage(
  db: DbOrTx,
  tenantId: string,
  query: PageQuery,
): Promise<{ rows: SummaryRow[]; total: number }> {
  const conditions: SQL[] = [eq(sslCertificates.tenantId, tenantId)];
  if (query.search) {
    const pattern = `%${query.search.replace(/[\\%_]/g, "\\$&")}%`;
    conditions.push(
      or(
        ilike(sslCertificates.name, pattern),
        ilike(sslCertificates.subjectCn, pattern),
        ilike(sslCertificates.issuer, pattern),
      )!,
    );
  }
  const where = and(...conditions);
  const dir = query.direction === "desc" ? desc : asc;
  // Certificates without a date (creating, awaiting) sort after dated ones either way.
  const order =
    query.sort === "expiry"
      ? [sql`${sslCertificates.notAfter} ${sql.raw(query.direction)} nulls last`, asc(sslCertificates.name)]
      : [dir(sslCertificates.name)];
  const [rows, totals] = await Promise.all([
    db
      .select(SUMMARY_COLUMNS)
      .from(sslCertificates)
      .where(where)
      .orderBy(...order)
      .limit(query.pageSize)
      .offset((query.page - 1) * query.pageSize),
    db.select({ total: count() }).from(sslCertificates).where(where),
  ]);
  return { rows, total: totals[0]?.total ?? 0 };
}

/** [from, to) of notAfter; null leaves that side open. */
export type ExpiryRange = [Date | null, Date | null];

/** How many of the tenant's active certificates expire in each range (one scan). */
export async function activeExpiryCounts<K extends string>(
  db: DbOrTx,
  tenantId: string,
  ranges: Record<K, ExpiryRange>,
): Promise<Record<K, number>> {
  const horizon = ([from, to]: ExpiryRange) =>
    sql<number>`count(*) filter (where ${sslCertificates.notAfter} is not null${from ? sql` and ${sslCertificates.notAfter} >= ${from}` : sql``}${to ? sql` and ${sslCertificates.notAfter} < ${to}` : sql``})`.mapWith(
      Number,
    );
  const keys = Object.keys(ranges) as K[];
  const columns = Object.fromEntries(keys.map((k) => [k, horizon(ranges[k])])) as Record<K, SQL<number>>;
  const [counts] = (await db.select(columns).from(sslCertificates).where(activeOf(tenantId))) as Partial<
    Record<K, number>
  >[];
  return Object.fromEntries(keys.map((k) => [k, counts?.[k] ?? 0])) as Record<K, number>;
}

/** The tenant's active certificates that expire first. */
export function soonestExpiring(db: DbOrTx, tenantId: string, limit: number) {
  return db
    .select({ id: sslCertificates.id, name: sslCertificates.name, notAfter: sslCertificates.notAfter })
    .from(sslCertificates)
    .where(activeOf(tenantId))
    .orderBy(sql`${sslCertificates.notAfter} asc nulls last`)
    .limit(limit);
}

/** The tenant's active certificates for a choice, HSM ones with their group's name. */
export function activeCertificateChoices(db: DbOrTx, tenantId: string) {
  return db
    .select({
      id: sslCertificates.id,
      name: sslCertificates.name,
      hsmGroupId: sslCertificates.hsmGroupId,
      hsmGroupName: hsmGroups.name,
      hsmGroupNode: hsmGroups.nodeName,
    })
    .from(sslCertificates)
    .leftJoin(hsmGroups, eq(hsmGroups.id, sslCertificates.hsmGroupId))
    .where(activeOf(tenantId))
    .orderBy(asc(sslCertificates.name));
}

/** Every certificate whose key is (or was to be) in this HSM group, whatever its status. */
export function certificatesOfGroup(db: DbOrTx, hsmGroupId: string): Promise<CertificateRow[]> {
  return db.select().from(sslCertificates).where(eq(sslCertificates.hsmGroupId, hsmGroupId));
}

/**
 * The tenant's certificates whose key is in this HSM group, by name; `activeWithKey`: only active
 * ones with a key reference and a certificate (what can serve).
 */
export function certificatesInGroup(
  db: DbOrTx,
  tenantId: string,
  hsmGroupId: string,
  { activeWithKey = false }: { activeWithKey?: boolean } = {},
): Promise<CertificateRow[]> {
  const inGroup = and(eq(sslCertificates.tenantId, tenantId), eq(sslCertificates.hsmGroupId, hsmGroupId));
  const serving = and(
    eq(sslCertificates.status, "active"),
    isNotNull(sslCertificates.keyUri),
    isNotNull(sslCertificates.certificatePem),
  );
  return db
    .select()
    .from(sslCertificates)
    .where(activeWithKey ? and(inGroup, serving) : inGroup)
    .orderBy(asc(sslCertificates.name));
}

/** Creations still "creating" whose last update is older than the cutoff (any tenant). */
export function creationsStaleSince(db: DbOrTx, cutoff: Date, limit: number): Promise<CertificateRow[]> {
  return db
    .select()
    .from(sslCertificates)
    .where(and(eq(sslCertificates.status, "creating"), lt(sslCertificates.updatedAt, cutoff)))
    .limit(limit);
}

function activeOf(tenantId: string): SQL {
  return and(eq(sslCertificates.tenantId, tenantId), eq(sslCertificates.status, "active"))!;
}
