"use client";

import { useQuery } from "@tanstack/react-query";
import type { FieldError, UseFormRegisterReturn } from "react-hook-form";
import { useTRPC } from "@/lib/trpc/client";
import { FieldFrame } from "../ui/field-frame";

/** "HSM group": the groups the user may put certificate keys in, with the field's hint or error. */
export function HsmGroupSelect({
  id,
  registration,
  emptyLabel,
  error,
  hint,
}: {
  id: string;
  registration: UseFormRegisterReturn;
  /** The first option (value ""): "none" where a group is optional, a prompt where it is required. */
  emptyLabel: string;
  error?: FieldError;
  hint?: string;
}) {
  const trpc = useTRPC();
  const groups = useQuery(trpc.certificates.hsmGroupChoices.queryOptions());
  return (
    <FieldFrame id={id} label="HSM group" error={error} hint={hint}>
      {(description) => (
        <select id={id} {...description} {...registration}>
          <option value="">{emptyLabel}</option>
          {groups.data?.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
      )}
    </FieldFrame>
  );
}
