"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { PageHeader } from "../ui/page-header";

export function HsmGroupTitle({ id, suffix }: { id: string; suffix?: string }) {
  const trpc = useTRPC();
  const group = useQuery(trpc.hsmGroups.get.queryOptions({ id }));
  const name = group.data?.name ?? "HSM group";
  return (
    <PageHeader
      path={["Templates", "Security", "HSM Groups", name]}
      title={suffix ? `${name}: ${suffix}` : name}
    />
  );
}
