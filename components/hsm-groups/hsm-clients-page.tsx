"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { ClientCertCard } from "./client-cert-card";
import { ServerCertStatus } from "./server-cert-status";

/** The document's download page: client certificates, registration commands and status. */
export function HsmClientsPage({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const page = useQuery(trpc.hsmGroups.clients.queryOptions({ id }));
  const group = useQuery(trpc.hsmGroups.get.queryOptions({ id }));
  const check = useMutation(
    trpc.hsmGroups.checkNow.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.clients.queryKey({ id }) }),
      onError: (e) => setError(describeError(e).message),
    }),
  );
  if (page.isError) return <FormError message={describeError(page.error).message} />;
  if (!page.data) return <p>Loading…</p>;
  const adminUrls = Object.fromEntries(
    (group.data?.servers ?? []).map((s) => [s.id, { url: s.adminApiUrl, saved: s.adminCredentialsSaved }]),
  );
  return (
    <>
      <FormError message={error} />
      <div className="actions">
        <Link className="button" href={`/templates/security/hsm-groups/${id}`}>
          Back to {page.data.name}
        </Link>
        <button
          type="button"
          onClick={() => {
            setError(null);
            check.mutate({ id });
          }}
          disabled={check.isPending}
        >
          {check.isPending ? "Checking…" : "Check now"}
        </button>
      </div>
      <ServerCertStatus groupId={id} />
      {page.data.clients.length === 0 && (
        <p>This group has no trusted clients: a PKCS#11 module is used locally.</p>
      )}
      {page.data.clients.map((c) => (
        <ClientCertCard key={c.id} groupId={id} client={c} adminUrls={adminUrls} />
      ))}
    </>
  );
}
