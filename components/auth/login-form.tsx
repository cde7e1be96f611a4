"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { type LoginInput, ZLoginInput } from "@/lib/schemas/auth";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";

export function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<LoginInput>({
    resolver: zodResolver(ZLoginInput),
    defaultValues: { username: "", password: "" },
  });
  const login = useMutation(
    trpc.auth.login.mutationOptions({
      onSuccess: () => {
        router.replace("/");
        router.refresh();
      },
      onError: (e) => setError(describeError(e).message),
    }),
  );
  return (
    <form
      onSubmit={form.handleSubmit((values) => {
        setError(null);
        login.mutate(values);
      })}
      noValidate
    >
      <FormError message={error} />
      <TextField
        id="username"
        label="Username"
        autoComplete="username"
        registration={form.register("username")}
        error={form.formState.errors.username}
      />
      <TextField
        id="password"
        label="Password"
        type="password"
        autoComplete="current-password"
        registration={form.register("password")}
        error={form.formState.errors.password}
      />
      <div className="actions">
        <button type="submit" disabled={login.isPending}>
          {login.isPending ? "Signing in…" : "Sign in"}
        </button>
      </div>
    </form>
  );
}
