"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type FieldError, useForm } from "react-hook-form";
import { type ServiceEngineGroupView, ZUpdateSeGroupInput } from "@/lib/schemas/service-engines";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useFormErrors } from "../ui/use-form-errors";

const FIELDS = ["hsmGroupId", "seCount"] as const;

export function SeGroupForm({ group, onDone }: { group: ServiceEngineGroupView; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const choices = useQuery(trpc.serviceEngineGroups.hsmGroupChoices.queryOptions());
  const form = useForm({
    resolver: zodResolver(ZUpdateSeGroupInput),
    defaultValues: { id: group.id, hsmGroupId: group.hsmGroupId ?? "", seCount: group.seCount },
  });
  const { error, onError, submit } = useFormErrors(form, FIELDS);
  const update = useMutation(
    trpc.serviceEngineGroups.update.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.serviceEngineGroups.list.queryKey() });
        onDone();
      },
      onError,
    }),
  );
  const errors = form.formState.errors;
  return (
    <form
      className="panel"
      aria-label={`Edit ${group.name}`}
      noValidate
      onSubmit={submit((values) => update.mutate(values))}
    >
      <FormError message={error} />
      <label htmlFor={`hsm-${group.id}`}>HSM group</label>
      <select id={`hsm-${group.id}`} {...form.register("hsmGroupId")}>
        <option value="">None</option>
        {(choices.data ?? []).map((h) => (
          <option key={h.id} value={h.id}>
            {h.name}
          </option>
        ))}
      </select>
      {errors.hsmGroupId?.message && <div className="field-error">{errors.hsmGroupId.message}</div>}
      <div className="hint">
        Changing the HSM group marks the service engines “restart required”: they keep serving with the
        current HSM until restarted.
      </div>
      <TextField
        id={`count-${group.id}`}
        label="Number of service engines"
        type="number"
        min={1}
        max={4}
        registration={form.register("seCount", { valueAsNumber: true })}
        error={errors.seCount as FieldError | undefined}
      />
      <div className="actions">
        <button type="submit" disabled={update.isPending}>
          Save
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
