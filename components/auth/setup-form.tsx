"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useForm } from "react-hook-form";
import { type SetupInput, ZSetupInput } from "@/lib/schemas/auth";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useFormErrors } from "../ui/use-form-errors";

const FIELDS = ["setupToken", "username", "password", "confirmPassword"] as const;

export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const form = useForm<SetupInput>({
    resolver: zodResolver(ZSetupInput),
    defaultValues: { setupToken: "", username: "admin", password: "", confirmPassword: "" },
  });
  const { error, onError, submit } = useFormErrors(form, FIELDS);
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: () => {
        router.replace("/");
        router.refresh();
      },
      onError,
    }),
  );
  const errors = form.formState.errors;
  return (
    <form onSubmit={submit((values) => setup.mutate(values))} noValidate>
      <FormError message={error} />
      <TextField
        id="setupToken"
        label="Setup token"
        autoComplete="off"
        hint="Printed in the start log, and in the data folder's setup-token file."
        registration={form.register("setupToken")}
        error={errors.setupToken}
      />
      <TextField
        id="username"
        label="Administrator username"
        autoComplete="username"
        registration={form.register("username")}
        error={errors.username}
      />
      <TextField
        id="password"
        label="Password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters."
        registration={form.register("password")}
        error={errors.password}
      />
      <TextField
        id="confirmPassword"
        label="Repeat password"
        type="password"
        autoComplete="new-password"
        registration={form.register("confirmPassword")}
        error={errors.confirmPassword}
      />
      <div className="actions">
        <button type="submit" disabled={setup.isPending}>
          {setup.isPending ? "Creating…" : "Create administrator"}
        </button>
      </div>
    </form>
  );
}
