"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { PageHeader } from "../ui/page-header";
import { useNotFoundOn } from "../ui/use-not-found";

export function HsmGroupTitle({ id, suffix }: { id: string; suffix?: string }) {
  const trpc = useTRPC();
  const group = useQuery(trpc.hsmGroups.get.queryOptions({ id }));
  // Every page of a group has this title: one place turns a missing group into the not-found page.
  useNotFoundOn(group.error);
  const name = group.data?.name ?? "HSM group";
  return (
    <PageHeader
      path={["Templates", "Security", "HSM Groups", name]}
      title={suffix ? `${name}: ${suffix}` : name}
    />
  );
}
