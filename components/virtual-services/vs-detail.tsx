"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";

export function VsDetail({
  vs,
  onEdit,
  onDeleted,
}: {
  vs: VirtualServiceView;
  onEdit: () => void;
  onDeleted: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const test = useMutation(trpc.virtualServices.test.mutationOptions());
  const remove = useMutation(
    trpc.virtualServices.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.virtualServices.list.queryKey() });
        onDeleted();
      },
      onError: (e) => setError(describeError(e).message),
    }),
  );
  const r = test.data;
  return (
    <section className="panel" aria-label={`Virtual service ${vs.name}`}>
      <h2>{vs.name}</h2>
      <FormError message={error ?? test.error?.message} />
      <dl>
        <dt>State</dt>
        <dd>
          {vs.state}
          {vs.stateReason ? ` — ${vs.stateReason}` : ""}
        </dd>
        <dt>VIP</dt>
        <dd>{vs.vip}</dd>
        <dt>Pool</dt>
        <dd>{vs.pool.map((p) => `${p.host}:${p.port}`).join(", ")}</dd>
      </dl>
      <div className="actions">
        <button type="button" disabled={test.isPending} onClick={() => test.mutate({ id: vs.id })}>
          Test
        </button>
        <button type="button" className="secondary" onClick={onEdit}>
          Edit {vs.name}
        </button>
        <ConfirmButton
          title={`Delete virtual service ${vs.name}?`}
          consequence={
            <p>{vs.vip} stops answering: the service engines drop it now. This cannot be undone.</p>
          }
          confirmLabel={`Delete virtual service ${vs.name}`}
          onConfirm={() => {
            setError(null);
            remove.mutate({ id: vs.id });
          }}
        >
          Delete {vs.name}
        </ConfirmButton>
      </div>
      {test.isPending && <p role="status">Testing {vs.vip}…</p>}
      {r && (
        <div className={`alert ${r.ok ? "success" : "error"}`} role="status" aria-label="Test result">
          {r.ok ? (
            <dl>
              <dt>Request</dt>
              <dd>
                {vs.vip}:{r.port} answered HTTP {r.httpStatus} in {r.elapsedMs} ms
              </dd>
              {r.certificate && (
                <>
                  <dt>Presented certificate</dt>
                  <dd>{r.certificate.subject}</dd>
                  <dt>SHA-256 fingerprint</dt>
                  <dd>{r.certificate.fingerprint256}</dd>
                  <dt>TLS</dt>
                  <dd>
                    {r.tlsVersion} ({r.cipher})
                  </dd>
                </>
              )}
              <dt>Pool answer</dt>
              <dd>
                <code>{r.body}</code>
              </dd>
            </dl>
          ) : (
            <p>
              Failed at {r.stage} on port {r.port}: {r.error}
            </p>
          )}
        </div>
      )}
    </section>
  );
}
