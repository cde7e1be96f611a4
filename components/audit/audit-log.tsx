"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { AUDIT_OUTCOMES } from "@/lib/schemas/audit";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { Pager } from "../ui/pager";
import { pageNumber, useUrlState } from "../ui/use-url-state";
import { AuditFilters, type AuditFilterValues } from "./audit-filters";

const PAGE_SIZE = 50;
const DEFAULTS = { page: "1", actor: "", action: "", objectType: "", outcome: "" };
type Outcome = (typeof AUDIT_OUTCOMES)[number];

export function AuditLog() {
  const trpc = useTRPC();
  // Filters and page live in the URL: a reload or a shared link shows the same entries.
  const [url, setUrl] = useUrlState(DEFAULTS);
  const page = pageNumber(url.page);
  const filters: AuditFilterValues = {
    actor: url.actor || undefined,
    action: url.action || undefined,
    objectType: url.objectType || undefined,
    outcome: AUDIT_OUTCOMES.includes(url.outcome as Outcome) ? (url.outcome as Outcome) : undefined,
  };
  const setPage = (n: number) => setUrl({ page: String(n) });
  const query = useQuery({
    ...trpc.audit.list.queryOptions({ ...filters, page, pageSize: PAGE_SIZE }),
    placeholderData: keepPreviousData,
  });
  const data = query.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  return (
    <>
      <AuditFilters
        initial={filters}
        onApply={(values) =>
          setUrl({ actor: "", action: "", objectType: "", outcome: "", ...values, page: "1" })
        }
      />
      <FormError message={query.error?.message} />
      <table aria-label="Audit entries">
        <thead>
          <tr>
            <th>When</th>
            <th>User</th>
            <th>Action</th>
            <th>Object</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>
                {e.actorName}
                {e.address ? <div className="hint">{e.address}</div> : null}
              </td>
              <td>{e.action}</td>
              <td>{[e.objectType, e.objectName ?? e.objectId].filter(Boolean).join(": ")}</td>
              <td>
                <span className={`badge ${e.outcome}`}>{e.outcome}</span>
              </td>
              <td>{typeof e.detail?.message === "string" ? e.detail.message : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {data && data.total === 0 && <p className="empty">No entries match.</p>}
      <Pager page={page} pages={pages} total={data?.total ?? 0} noun="entries" onPage={setPage} />
    </>
  );
}
