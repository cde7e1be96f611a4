"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { CertificateSummary } from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { Pager } from "../ui/pager";
import { pageNumber, useUrlState } from "../ui/use-url-state";
import { ExpiryBadge, keyLocationText, keyText, STATUS_LABELS } from "./labels";

const PAGE_SIZE = 25;
const DEFAULTS = { page: "1", sort: "name", direction: "asc", search: "" };

export function CertificateList() {
  const trpc = useTRPC();
  // Page, sort and search live in the URL (a reload keeps them); the box keeps its own keystrokes.
  const [url, setUrl] = useUrlState(DEFAULTS);
  const page = pageNumber(url.page);
  const sort = url.sort === "expiry" ? "expiry" : "name";
  const direction = url.direction === "desc" ? "desc" : "asc";
  const [search, setSearch] = useState(url.search);
  const setPage = (n: number) => setUrl({ page: String(n) });
  const query = useQuery({
    ...trpc.certificates.list.queryOptions({
      page,
      pageSize: PAGE_SIZE,
      sort,
      direction,
      search: search || undefined,
    }),
    placeholderData: keepPreviousData,
    // Rows being created in the background: poll until they settle.
    refetchInterval: (q) => (q.state.data?.items.some((i) => i.status === "creating") ? 1000 : false),
  });
  const data = query.data;
  const pages = data ? Math.max(1, Math.ceil(data.total / PAGE_SIZE)) : 1;
  const sortBy = (column: "name" | "expiry") => {
    setUrl({ sort: column, direction: sort === column && direction === "asc" ? "desc" : "asc", page: "1" });
  };
  return (
    <>
      <div className="filters">
        <div>
          <label htmlFor="cert-search">Search</label>
          <input
            id="cert-search"
            type="search"
            value={search}
            placeholder="Name, CN or issuer"
            onChange={(e) => {
              setSearch(e.target.value);
              setUrl({ search: e.target.value, page: "1" });
            }}
          />
        </div>
      </div>
      <FormError message={query.error?.message} />
      <table aria-label="Certificates">
        <thead>
          <tr>
            <th aria-sort={sort === "name" ? (direction === "asc" ? "ascending" : "descending") : undefined}>
              <button type="button" className="link" onClick={() => sortBy("name")}>
                Name
              </button>
            </th>
            <th>Type</th>
            <th>Common name</th>
            <th>SANs</th>
            <th>Issuer</th>
            <th>Key</th>
            <th>Key location</th>
            <th
              aria-sort={sort === "expiry" ? (direction === "asc" ? "ascending" : "descending") : undefined}
            >
              <button type="button" className="link" onClick={() => sortBy("expiry")}>
                Expiry
              </button>
            </th>
            <th>Used by</th>
          </tr>
        </thead>
        <tbody>
          {data?.items.map((c) => (
            <Row key={c.id} c={c} />
          ))}
        </tbody>
      </table>
      {data && data.total === 0 && <p className="empty">No certificates{search ? " match" : " yet"}.</p>}
      <Pager page={page} pages={pages} total={data?.total ?? 0} noun="certificates" onPage={setPage} />
    </>
  );
}

function Row({ c }: { c: CertificateSummary }) {
  return (
    <tr>
      <td>
        <Link href={`/templates/security/ssl-certificates/${c.id}`}>{c.name}</Link>
        {c.status !== "active" && (
          <div>
            <span className={`badge ${c.status === "failed" ? "failure" : ""}`}>
              {STATUS_LABELS[c.status]}
            </span>
          </div>
        )}
      </td>
      <td>{c.type}</td>
      <td>{c.subjectCn ?? "—"}</td>
      <td>{[...c.dnsNames, ...c.ipAddresses].join(", ") || "—"}</td>
      <td>{c.issuer ?? "—"}</td>
      <td>
        {keyText(c)}
        {c.keyOrigin === "imported" && <span className="badge">imported</span>}
        {c.type === "reference" && <span className="badge">referenced</span>}
      </td>
      <td>{keyLocationText(c)}</td>
      <td>
        {c.notAfter ? new Date(c.notAfter).toLocaleDateString() : "—"} <ExpiryBadge state={c.expiry} />
      </td>
      <td>{c.usedBy.map((u) => u.name).join(", ") || "—"}</td>
    </tr>
  );
}
