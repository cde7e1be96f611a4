"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { SE_STATE_LABELS, type ServiceEngineGroupView } from "@/lib/schemas/service-engines";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

const BADGE: Record<string, string> = { running: "success", failed: "failure" };

export function SeTable({ group }: { group: ServiceEngineGroupView }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const onSettled = () =>
    queryClient.invalidateQueries({ queryKey: trpc.serviceEngineGroups.list.queryKey() });
  const onError = (e: unknown) => setError(describeError(e).message);
  const restart = useMutation(trpc.serviceEngines.restart.mutationOptions({ onSettled, onError }));
  const restartAll = useMutation(
    trpc.serviceEngineGroups.restartAll.mutationOptions({
      onSettled,
      onError,
      onSuccess: (r) =>
        setNotice(
          r.failed
            ? `Stopped at ${r.failed}: it did not come back. Restarted: ${r.restarted.join(", ") || "none"}.`
            : `Restarted ${r.restarted.join(", ")}, one at a time.`,
        ),
    }),
  );
  const busy = restart.isPending || restartAll.isPending;
  return (
    <>
      <FormError message={error} />
      {notice && (
        <div className="alert success" role="status">
          {notice}
        </div>
      )}
      <table aria-label={`Service engines of ${group.name}`}>
        <thead>
          <tr>
            <th>Service engine</th>
            <th>State</th>
            <th>Management address</th>
            <th>Console node</th>
            {group.hsmGroupId && <th>HSM client registration</th>}
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {group.serviceEngines.map((se) => (
            <tr key={se.id}>
              <td>{se.name}</td>
              <td>
                <span className={`badge ${BADGE[se.state] ?? ""}`}>{SE_STATE_LABELS[se.state]}</span>
                {se.stateReason && <div className="hint">{se.stateReason}</div>}
              </td>
              <td>{se.managementIp}</td>
              <td>{se.nodeName}</td>
              {group.hsmGroupId && <td>{se.registration}</td>}
              <td>
                <ConfirmButton
                  className="secondary"
                  disabled={busy}
                  title={`Restart service engine ${se.name}?`}
                  consequence={<p>Connections served by {se.name} are cut while it restarts.</p>}
                  confirmLabel={`Restart ${se.name} now`}
                  onConfirm={() => {
                    setError(null);
                    setNotice(null);
                    restart.mutate({ id: se.id });
                  }}
                >
                  Restart {se.name}
                </ConfirmButton>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <ConfirmButton
          className=""
          disabled={busy}
          title={`Restart every service engine of ${group.name}?`}
          consequence={
            <p>
              One at a time: each is restarted only after the previous one serves again; it stops at the first
              that does not come back.
            </p>
          }
          confirmLabel={`Restart all of ${group.name}`}
          onConfirm={() => {
            setError(null);
            setNotice(null);
            restartAll.mutate({ id: group.id });
          }}
        >
          Restart all, one at a time
        </ConfirmButton>
        {busy && <span role="status">Restarting…</span>}
      </div>
    </>
  );
}
