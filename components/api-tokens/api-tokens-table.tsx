"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { ApiToken } from "@/lib/schemas/api-tokens";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : "Never");

export function ApiTokensTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.apiTokens.list.queryOptions());
  const [error, setError] = useState<string | null>(null);
  const revoke = useMutation(
    trpc.apiTokens.revoke.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.apiTokens.list.queryKey() }),
      onError: (e) => setError(describeError(e).message),
    }),
  );
  if (query.isPending) return <p>Loading API tokens…</p>;
  const tokens = query.data ?? [];
  return (
    <>
      <FormError message={error ?? query.error?.message} />
      <table aria-label="API tokens">
        <thead>
          <tr>
            <th>Name</th>
            <th>Owner</th>
            <th>Role</th>
            <th>Token</th>
            <th>Status</th>
            <th>Expires</th>
            <th>Last used</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {tokens.map((t: ApiToken) => (
            <tr key={t.id}>
              <td>{t.name}</td>
              <td>{t.username}</td>
              <td>{t.role}</td>
              <td>
                <code>{t.prefix}…</code>
              </td>
              <td>
                <span className={`badge ${t.status === "active" ? "success" : "denied"}`}>{t.status}</span>
              </td>
              <td>{when(t.expiresAt)}</td>
              <td>{when(t.lastUsedAt)}</td>
              <td>
                {t.status === "active" && (
                  <ConfirmButton
                    title={`Revoke API token ${t.name}?`}
                    consequence={
                      <p>Scripts using this token are refused from now on. This cannot be undone.</p>
                    }
                    confirmLabel={`Revoke token ${t.name}`}
                    onConfirm={() => {
                      setError(null);
                      revoke.mutate({ id: t.id });
                    }}
                  >
                    Revoke {t.name}
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {tokens.length === 0 && <p className="empty">No API tokens yet.</p>}
    </>
  );
}
