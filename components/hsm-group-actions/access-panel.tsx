"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";

/** Open / close application access (sautil -o / -c): the recorded state per server, who and since. */
export function AccessPanel({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useQuery(trpc.hsmGroupActions.accessState.queryOptions({ id }));
  const onSuccess = (data: unknown) =>
    queryClient.setQueryData(trpc.hsmGroupActions.accessState.queryKey({ id }), data as never);
  const open = useMutation(trpc.hsmGroupActions.openAccess.mutationOptions({ onSuccess }));
  const close = useMutation(trpc.hsmGroupActions.closeAccess.mutationOptions({ onSuccess }));
  const busy = open.isPending || close.isPending;
  const notes = (open.data ?? close.data)?.notes ?? [];
  const error = open.error ?? close.error ?? state.error;
  return (
    <section className="panel" aria-label="Application access">
      <h2>Application access</h2>
      <p className="hint">
        Opening logs this console node in to each partition and keeps the login open; closing waits for work
        in progress, then ends it.
      </p>
      <div className="actions">
        <button type="button" disabled={busy} onClick={() => open.mutate({ id })}>
          {open.isPending ? "Opening access…" : "Open application access"}
        </button>
        <button type="button" className="secondary" disabled={busy} onClick={() => close.mutate({ id })}>
          {close.isPending ? "Closing access (waiting for work in progress)…" : "Close application access"}
        </button>
      </div>
      <FormError message={error ? describeError(error).message : null} />
      {notes.map((n) => (
        <div key={n} className="alert info">
          {n}
        </div>
      ))}
      {state.data && (
        <table aria-label="Application access state">
          <thead>
            <tr>
              <th>Server</th>
              <th>State</th>
              <th>Node</th>
              <th>Opened by</th>
              <th>Since</th>
              <th>Last closed</th>
            </tr>
          </thead>
          <tbody>
            {state.data.states.map((s) => (
              <tr key={s.serverId}>
                <td>{s.server}</td>
                <td>
                  <span className={s.open ? "badge success" : "badge"}>{s.open ? "Open" : "Closed"}</span>
                </td>
                <td>{s.node ?? "—"}</td>
                <td>{s.openedBy ?? "—"}</td>
                <td>{s.since ? new Date(s.since).toLocaleString() : "—"}</td>
                <td>{s.closedAt ? `${new Date(s.closedAt).toLocaleString()} by ${s.closedBy}` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
