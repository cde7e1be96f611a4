"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { type RegisterAutomaticallyInput, ZRegisterAutomaticallyInput } from "@/lib/schemas/hsm-client";
import { useTRPC } from "@/lib/trpc/client";
import { applyServerError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";

/** "Register automatically" on one appliance: credentials are used for this action only unless "remember" is ticked. */
export function RegisterForm({
  groupId,
  serverId,
  address,
  adminApiUrl,
  saved,
}: {
  groupId: string;
  serverId: string;
  address: string;
  saved: boolean;
  adminApiUrl: string | null;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const form = useForm<RegisterAutomaticallyInput>({
    resolver: zodResolver(ZRegisterAutomaticallyInput),
    defaultValues: {
      id: groupId,
      serverId,
      adminApiUrl: adminApiUrl ?? `https://${address}:8443`,
      username: "admin",
      password: "",
      remember: false,
    },
  });
  const register = useMutation(
    trpc.hsmGroups.registerClients.mutationOptions({
      onSuccess: async (r) => {
        form.resetField("password");
        setMessage({
          error: false,
          text: r.registered.map((x) => `${x.client}: ${x.outcome.replace("-", " ")}`).join("; "),
        });
        await queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.clients.queryKey({ id: groupId }) });
      },
      onError: (e) => {
        const text = applyServerError(e, form.setError, ["adminApiUrl", "username", "password"]);
        setMessage(text ? { error: true, text } : null);
      },
    }),
  );
  const errors = form.formState.errors;
  const id = (f: string) => `reg-${serverId}-${f}`;
  return (
    <form
      className="panel"
      aria-label={`Register automatically on ${address}`}
      noValidate
      onSubmit={form.handleSubmit((v) => register.mutate(v))}
    >
      {message?.error ? (
        <FormError message={message.text} />
      ) : (
        message && <div className="alert success">{message.text}</div>
      )}
      <TextField
        id={id("url")}
        label="Admin API URL"
        registration={form.register("adminApiUrl")}
        error={errors.adminApiUrl}
      />
      <TextField
        id={id("user")}
        label="Admin user"
        autoComplete="off"
        registration={form.register("username")}
        error={errors.username}
      />
      <TextField
        id={id("password")}
        label="Admin password"
        type="password"
        autoComplete="off"
        hint={saved ? "Left empty, the remembered credentials are used." : undefined}
        registration={form.register("password")}
        error={errors.password}
      />
      <div>
        <input id={id("remember")} type="checkbox" {...form.register("remember")} />
        <label htmlFor={id("remember")}>Remember these credentials (stored encrypted)</label>
      </div>
      <div className="actions">
        <button type="submit" disabled={register.isPending}>
          Register automatically
        </button>
      </div>
    </form>
  );
}
