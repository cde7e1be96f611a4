"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { HaStatus } from "@/lib/schemas/hsm-group-actions";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

/** HA across the group's HSMs: set up, member state, keys missing on a member, synchronise. */
export function HaPanel({ id }: { id: string }) {
  const trpc = useTRPC();
  const status = useMutation(trpc.hsmGroupActions.haStatus.mutationOptions());
  const setUp = useMutation(trpc.hsmGroupActions.setUpHa.mutationOptions());
  const sync = useMutation(trpc.hsmGroupActions.synchronise.mutationOptions());
  const latest = [sync, setUp, status].find((m) => m.data)?.data as HaStatus | undefined;
  const busy = status.isPending || setUp.isPending || sync.isPending;
  const error = status.error ?? setUp.error ?? sync.error;
  const [allowCloneable, setAllowCloneable] = useState(false);
  // Offered only once the console measured cloneable members (or refused set-up for that reason).
  const cloneableRefusal = setUp.error && describeError(setUp.error).field === "allowCloneable";
  const offerOptIn = cloneableRefusal || (latest && !latest.isHa && latest.cloneableMembers.length > 0);
  return (
    <section className="panel" aria-label="High availability">
      <h2>High availability</h2>
      <div className="actions">
        <button type="button" className="secondary" disabled={busy} onClick={() => status.mutate({ id })}>
          {status.isPending ? "Checking members…" : "Show HA status"}
        </button>
        <ConfirmButton
          className=""
          disabled={busy}
          title="Turn HA on for this group?"
          consequence={
            <p>
              The group's keys are copied to every member HSM, and its operations then fail over between them
              (one virtual slot over all HSMs).
            </p>
          }
          confirmLabel="Turn HA on"
          onConfirm={() => setUp.mutate({ id, allowCloneable })}
        >
          {setUp.isPending ? "Setting up HA…" : "Set up HA"}
        </ConfirmButton>
        <button type="button" className="secondary" disabled={busy} onClick={() => sync.mutate({ id })}>
          {sync.isPending ? "Synchronising…" : "Synchronise"}
        </button>
      </div>
      <FormError message={error ? describeError(error).message : null} />
      {offerOptIn && (
        <label>
          <input
            type="checkbox"
            checked={allowCloneable}
            onChange={(e) => setAllowCloneable(e.target.checked)}
          />{" "}
          Set up HA although keys in this group will be cloneable
        </label>
      )}
      {latest && <HaDetails status={latest} />}
    </section>
  );
}

function HaDetails({ status }: { status: HaStatus }) {
  return (
    <>
      <p>
        HA: <strong>{status.isHa ? "on" : "off"}</strong>
        {status.haGroupNum && (
          <>
            {" "}
            — HA group number <strong>{status.haGroupNum}</strong>
          </>
        )}
      </p>
      {status.problem && <div className="alert error">{status.problem}</div>}
      {status.cloneableMembers.length > 0 && (
        <div className="alert error" role="alert">
          HA keys on {status.cloneableMembers.join(", ")} are cloneable. {status.cloneableMeaning}
        </div>
      )}
      {status.replicated.map((r) => (
        <div key={r.idHex} className={r.failed.length ? "alert error" : "alert success"}>
          Key {r.idHex}: copied to {r.to.join(", ") || "no member"}
          {r.failed.length > 0 && `; failed: ${r.failed.join("; ")}`}
        </div>
      ))}
      {status.members.length > 0 && (
        <table aria-label="HA members">
          <thead>
            <tr>
              <th>Member</th>
              <th>Reachable</th>
              <th>Logged in</th>
              <th>Latency (ms)</th>
              <th>Last error</th>
              <th>Keys missing</th>
            </tr>
          </thead>
          <tbody>
            {status.members.map((m) => (
              <tr key={m.server}>
                <td>{m.server}</td>
                <td>{m.reachable ? "Yes" : "No"}</td>
                <td>{m.loggedIn ? "Yes" : "No"}</td>
                <td>{m.latencyMs}</td>
                <td>{m.lastError ?? "—"}</td>
                <td>{m.missingKeys.length ? m.missingKeys.join(", ") : "None"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
