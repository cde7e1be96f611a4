"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { ROLE_LABELS, type Role } from "@/lib/roles";
import { type CreateApiTokenInput, tokenRolesFor, ZCreateApiTokenInput } from "@/lib/schemas/api-tokens";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useFormErrors } from "../ui/use-form-errors";

const FIELDS = ["name", "role", "expiresInDays"] as const;

export function CreateApiTokenForm({
  ownRole,
  onCreated,
  onCancel,
}: {
  ownRole: Role;
  onCreated: (secret: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<CreateApiTokenInput>({
    resolver: zodResolver(ZCreateApiTokenInput),
    defaultValues: { name: "", role: "read-only", expiresInDays: 30 },
  });
  const { error, onError, submit } = useFormErrors(form, FIELDS);
  const create = useMutation(
    trpc.apiTokens.create.mutationOptions({
      onSuccess: async (created) => {
        await queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() });
        form.reset();
        onCreated(created.secret);
      },
      onError,
    }),
  );
  const errors = form.formState.errors;
  return (
    <form
      className="panel"
      aria-label="New API token"
      noValidate
      onSubmit={submit((values) => create.mutate(values))}
    >
      <FormError message={error} />
      <TextField
        id="token-name"
        label="Name"
        hint="What the token is for, e.g. ansible or ci."
        registration={form.register("name")}
        error={errors.name}
      />
      <label htmlFor="token-role">Role</label>
      <select id="token-role" {...form.register("role")}>
        {tokenRolesFor(ownRole).map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </select>
      <TextField
        id="token-days"
        label="Expires in (days)"
        type="number"
        min={1}
        registration={form.register("expiresInDays", { valueAsNumber: true })}
        error={errors.expiresInDays}
      />
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create token
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
