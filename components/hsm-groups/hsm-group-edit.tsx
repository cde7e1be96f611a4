"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { PageHeader } from "../ui/page-header";
import { useNotFoundOn } from "../ui/use-not-found";
import { HsmGroupForm } from "./hsm-group-form";

export function HsmGroupEdit({ id }: { id: string }) {
  const trpc = useTRPC();
  const group = useQuery(trpc.hsmGroups.get.queryOptions({ id }));
  useNotFoundOn(group.error);
  if (group.isError) return <FormError message={describeError(group.error).message} />;
  if (!group.data) return <p>Loading…</p>;
  return (
    <>
      <PageHeader
        path={["Templates", "Security", "HSM Groups", group.data.name]}
        title={`Edit ${group.data.name}`}
      />
      <HsmGroupForm group={group.data} />
    </>
  );
}
