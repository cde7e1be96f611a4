"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { HSM_TYPE_LABELS } from "@/lib/hsm-types";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { EmptyState } from "../ui/empty-state";
import { HsmGroupHealth } from "./hsm-group-health";

const BASE = "/templates/security/hsm-groups";

export function HsmGroupsTable() {
  const trpc = useTRPC();
  const groups = useQuery(trpc.hsmGroups.list.queryOptions());
  if (groups.isError)
    return (
      <div className="alert error" role="alert">
        {describeError(groups.error).message}
      </div>
    );
  if (!groups.data) return <p>Loading HSM groups…</p>;
  if (groups.data.length === 0)
    return (
      <EmptyState title="No HSM groups yet">
        <p>Create one for your network HSM appliances or a local PKCS#11 module.</p>
      </EmptyState>
    );
  return (
    <table className="table" aria-label="HSM groups">
      <thead>
        <tr>
          <th>Name</th>
          <th>Type</th>
          <th>Servers</th>
          <th>HA</th>
          <th>Health</th>
          <th>SE groups</th>
          <th>Tenant</th>
          <th>Actions</th>
        </tr>
      </thead>
      <tbody>
        {groups.data.map((g) => (
          <tr key={g.id}>
            <td>
              <Link href={`${BASE}/${g.id}`}>{g.name}</Link>
              {g.builtIn && <span className="badge"> built-in</span>}
            </td>
            <td>{HSM_TYPE_LABELS[g.type]}</td>
            <td>
              {g.servers
                .map((s) => (s.address ? `${s.address}:${s.port} (${s.partition})` : s.partition))
                .join(", ")}
            </td>
            <td>{g.isHa ? "On" : "Off"}</td>
            <td>
              <HsmGroupHealth groupId={g.id} />
            </td>
            <td>{g.seGroups.map((s) => s.name).join(", ") || "—"}</td>
            <td>{g.tenantName}</td>
            <td>
              <Link href={`${BASE}/${g.id}/edit`} aria-label={`Edit ${g.name}`}>
                Edit
              </Link>{" "}
              <Link
                href={`${BASE}/${g.id}/clients`}
                aria-label={`Client certificates of ${g.name}`}
                title="Client certificates"
              >
                ⬇
              </Link>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
