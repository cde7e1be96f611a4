"use client";

import { useQuery } from "@tanstack/react-query";
import { notFound, useRouter } from "next/navigation";
import { useTRPC } from "@/lib/trpc/client";
import { AccessPanel } from "./access-panel";
import { HaPanel } from "./ha-panel";
import { ListSlotsPanel } from "./list-slots-panel";
import { TestConnectionPanel } from "./test-connection-panel";

/** The connection actions of one HSM group: the document's safenet.py / sautil / vtl steps as buttons. */
export function ConnectionPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const groups = useQuery(trpc.hsmGroupActions.groups.queryOptions());
  const current = groups.data?.find((g) => g.id === id);
  if (groups.data && !current) notFound();
  return (
    <>
      <label htmlFor="hsm-group-choice">HSM group</label>
      <select
        id="hsm-group-choice"
        value={id}
        onChange={(e) => router.push(`/templates/security/hsm-groups/${e.target.value}/connection`)}
      >
        {!current && <option value={id}>{groups.isPending ? "Loading…" : "Unknown group"}</option>}
        {groups.data?.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name} ({g.type}, {g.servers} server{g.servers === 1 ? "" : "s"})
          </option>
        ))}
      </select>
      <TestConnectionPanel id={id} />
      <ListSlotsPanel id={id} />
      <AccessPanel id={id} />
      <HaPanel id={id} />
    </>
  );
}
