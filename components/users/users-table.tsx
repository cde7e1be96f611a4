"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ROLE_LABELS } from "@/lib/roles";
import type { User } from "@/lib/schemas/users";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

export function UsersTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const query = useQuery(trpc.users.list.queryOptions());
  const users = query.data ?? [];
  const [error, setError] = useState<string | null>(null);
  const onSettled = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const onError = (e: unknown) => setError(describeError(e).message);
  const update = useMutation(trpc.users.update.mutationOptions({ onSettled, onError }));
  const remove = useMutation(trpc.users.remove.mutationOptions({ onSettled, onError }));
  const act = (fn: () => void) => {
    setError(null);
    fn();
  };
  if (query.isPending) return <p>Loading users…</p>;
  return (
    <>
      <FormError message={error ?? query.error?.message} />
      <table aria-label="Users">
        <thead>
          <tr>
            <th>Username</th>
            <th>Role</th>
            <th>Tenant</th>
            <th>Status</th>
            <th>Last sign-in</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {users.map((user: User) => (
            <tr key={user.id}>
              <td>{user.username}</td>
              <td>{ROLE_LABELS[user.role]}</td>
              <td>{user.tenantName}</td>
              <td>{user.disabled ? "Disabled" : "Active"}</td>
              <td>{user.lastLoginAt ? new Date(user.lastLoginAt).toLocaleString() : "Never"}</td>
              <td>
                <button
                  type="button"
                  className="secondary"
                  onClick={() => act(() => update.mutate({ id: user.id, disabled: !user.disabled }))}
                >
                  {user.disabled ? "Enable" : "Disable"} {user.username}
                </button>{" "}
                <ConfirmButton
                  title={`Delete user ${user.username}?`}
                  consequence={
                    <p>The account and its sessions and API tokens end now. This cannot be undone.</p>
                  }
                  confirmLabel={`Delete user ${user.username}`}
                  onConfirm={() => act(() => remove.mutate({ id: user.id }))}
                >
                  Delete {user.username}
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
