"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { SeGroupForm } from "./se-group-form";
import { SeTable } from "./se-table";

export function SeGroupsPage() {
  const trpc = useTRPC();
  // SE states change on their own (crash, restart, HSM loss): poll while the page is open.
  const query = useQuery({ ...trpc.serviceEngineGroups.list.queryOptions(), refetchInterval: 2000 });
  const [editing, setEditing] = useState<string | null>(null);
  if (query.isPending) return <p>Loading service engine groups…</p>;
  return (
    <>
      <FormError message={query.error?.message} />
      <p className="alert info">
        Restarting a service engine briefly interrupts the traffic it serves. Use “Restart all, one at a time”
        so that the other service engines of the group keep serving meanwhile.
      </p>
      {(query.data ?? []).map((group) => (
        <section className="panel" key={group.id} aria-label={`Service engine group ${group.name}`}>
          <h2>{group.name}</h2>
          <dl>
            <dt>HSM group</dt>
            <dd>{group.hsmGroupName ?? "None"}</dd>
            <dt>Number of service engines</dt>
            <dd>{group.seCount}</dd>
          </dl>
          {editing === group.id ? (
            <SeGroupForm group={group} onDone={() => setEditing(null)} />
          ) : (
            <div className="actions">
              <button type="button" onClick={() => setEditing(group.id)}>
                Edit {group.name}
              </button>
            </div>
          )}
          <SeTable group={group} />
        </section>
      ))}
    </>
  );
}
