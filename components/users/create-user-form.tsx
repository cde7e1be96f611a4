"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { ROLE_LABELS, ROLES } from "@/lib/roles";
import { type CreateUserInput, ZCreateUserInput } from "@/lib/schemas/users";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useFormErrors } from "../ui/use-form-errors";

const FIELDS = ["username", "password", "role", "tenantName"] as const;

export function CreateUserForm({ onDone }: { onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const form = useForm<CreateUserInput>({
    resolver: zodResolver(ZCreateUserInput),
    defaultValues: { username: "", password: "", role: "read-only" },
  });
  const { error, onError, submit } = useFormErrors(form, FIELDS);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
        form.reset();
        onDone();
      },
      onError,
    }),
  );
  const errors = form.formState.errors;
  return (
    <form
      className="panel"
      aria-label="New user"
      noValidate
      onSubmit={submit((values) => create.mutate(values))}
    >
      <FormError message={error} />
      <TextField
        id="new-username"
        label="Username"
        registration={form.register("username")}
        error={errors.username}
      />
      <TextField
        id="new-password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        registration={form.register("password")}
        error={errors.password}
      />
      <label htmlFor="new-role">Role</label>
      <select id="new-role" {...form.register("role")}>
        {ROLES.map((role) => (
          <option key={role} value={role}>
            {ROLE_LABELS[role]}
          </option>
        ))}
      </select>
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create user
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}
