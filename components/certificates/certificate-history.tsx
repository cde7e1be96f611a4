"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";

export function CertificateHistory({ id }: { id: string }) {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.certificates.history.queryOptions({ id }));
  return (
    <section className="panel" aria-label="Audit history">
      <strong>Audit history</strong>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>User</th>
            <th>Action</th>
            <th>Outcome</th>
            <th>Detail</th>
          </tr>
        </thead>
        <tbody>
          {data?.map((e) => (
            <tr key={e.id}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actorName}</td>
              <td>{e.action}</td>
              <td>
                <span className={`badge ${e.outcome}`}>{e.outcome}</span>
              </td>
              <td>{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
