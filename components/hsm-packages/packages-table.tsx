"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { HSM_PACKAGE_LABELS } from "@/lib/schemas/hsm-packages";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { EmptyState } from "../ui/empty-state";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

function size(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;
}

export function PackagesTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useQuery(trpc.hsmPackages.list.queryOptions());
  const remove = useMutation(
    trpc.hsmPackages.remove.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.hsmPackages.list.queryKey() }),
    }),
  );
  if (list.isPending) return <p>Loading HSM packages…</p>;
  const error = list.error ?? remove.error;
  if (!list.data?.length) {
    return (
      <EmptyState title="No HSM packages uploaded">
        <p>Upload the vendor client bundle (for SafeNet: safenet.tar, as the document prepares it).</p>
      </EmptyState>
    );
  }
  return (
    <>
      <FormError message={error ? describeError(error).message : null} />
      <table aria-label="Stored HSM packages">
        <thead>
          <tr>
            <th>File</th>
            <th>Type</th>
            <th>Version</th>
            <th>Size</th>
            <th>SHA-256</th>
            <th>Uploaded</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {list.data.map((p) => (
            <tr key={p.id}>
              <td>{p.fileName}</td>
              <td>{HSM_PACKAGE_LABELS[p.type]}</td>
              <td>{p.version ?? "—"}</td>
              <td>{size(p.size)}</td>
              <td>
                <code title={p.sha256}>{p.sha256.slice(0, 16)}…</code>
              </td>
              <td>
                {new Date(p.uploadedAt).toLocaleString()} by {p.uploadedBy}
              </td>
              <td>
                <ConfirmButton
                  disabled={remove.isPending}
                  title={`Delete HSM package ${p.fileName}?`}
                  consequence={
                    <p>Removes the stored package from every console node. Upload it again to restore it.</p>
                  }
                  confirmLabel={`Delete package ${p.fileName}`}
                  onConfirm={() => remove.mutate({ id: p.id })}
                >
                  Delete {p.fileName}
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
