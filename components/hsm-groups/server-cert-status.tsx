"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";

/** A regenerated server.pem on an appliance, shown against the pinned one, with one-click trust. */
export function ServerCertStatus({ groupId }: { groupId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const status = useQuery(trpc.hsmGroups.serverCerts.queryOptions({ id: groupId }));
  const trust = useMutation(
    trpc.hsmGroups.trustServerCert.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({
          queryKey: trpc.hsmGroups.serverCerts.queryKey({ id: groupId }),
        });
        await queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.get.queryKey({ id: groupId }) });
      },
      onError: (e) => setError(describeError(e).message),
    }),
  );
  const mismatched = (status.data ?? []).filter((s) => s.mismatch);
  if (mismatched.length === 0) return null;
  return (
    <>
      <FormError message={error} />
      {mismatched.map((s) => (
        <div key={s.serverId} className="alert error" role="alert">
          <strong>Pinned certificate mismatch on {s.address}.</strong> The appliance now presents a
          certificate with SHA-256 fingerprint <code>{s.presentedFingerprint}</code>; the pinned server.pem is{" "}
          <code>{s.pinnedFingerprint}</code>. If the appliance's certificate was regenerated (
          <code>sysconf regenCert</code>), compare the new fingerprint with the one the appliance shows, then
          trust it.
          <div className="actions">
            <button
              type="button"
              disabled={trust.isPending}
              onClick={() =>
                trust.mutate({ id: groupId, serverId: s.serverId, fingerprint: s.presentedFingerprint ?? "" })
              }
            >
              Trust the new certificate of {s.address}
            </button>
          </div>
        </div>
      ))}
    </>
  );
}
