"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useParams, useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { CopyButton } from "../ui/copy-button";
import { FormError } from "../ui/form-error";
import { useNotFoundOn } from "../ui/use-not-found";
import { CertificateFields } from "./certificate-fields";
import { CertificateHistory } from "./certificate-history";
import { KeyPanel } from "./key-panel";
import { download, ExpiryBadge, referenceNote, STATUS_LABELS } from "./labels";
import { UploadSignedForm } from "./upload-signed-form";

export function CertificateDetail() {
  const { id } = useParams<{ id: string }>();
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const query = useQuery({
    ...trpc.certificates.get.queryOptions({ id }),
    refetchInterval: (q) => (q.state.data?.status === "creating" ? 1000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.certificates.get.queryKey({ id }) });
  const remove = useMutation(
    trpc.certificates.remove.mutationOptions({
      onSuccess: () => router.push("/templates/security/ssl-certificates"),
      onError: (e) => setError(describeError(e).message),
    }),
  );
  const renew = useMutation(
    trpc.certificates.renew.mutationOptions({
      onSuccess: (r) =>
        r.id === id ? refresh() : router.push(`/templates/security/ssl-certificates/${r.id}`),
      onError: (e) => setError(describeError(e).message),
    }),
  );
  useNotFoundOn(query.error);
  const c = query.data;
  if (query.isPending) return <p>Loading certificate…</p>;
  if (!c) return <FormError message={query.error?.message} />;
  return (
    <>
      <h2>
        {c.name} <span className="badge">{STATUS_LABELS[c.status]}</span> <ExpiryBadge state={c.expiry} />
        {c.keyOrigin === "imported" && <span className="badge">imported</span>}
        {c.type === "reference" && <span className="badge">referenced</span>}
      </h2>
      <FormError message={error} />
      {referenceNote(c) && <p className="hint">{referenceNote(c)}</p>}
      {c.status === "creating" && (
        <div className="alert info" role="status">
          Generating the key{c.hsmGroupName ? ` in HSM group ${c.hsmGroupName}` : ""}… this page updates by
          itself.
        </div>
      )}
      {c.status === "failed" && <div className="alert error">Creation failed: {c.failureReason}</div>}
      <div className="actions">
        {c.certificatePem && (
          <button
            type="button"
            className="secondary"
            onClick={() => download(`${c.name}.pem`, c.certificatePem! + (c.chainPem ?? ""))}
          >
            Download certificate
          </button>
        )}
        {c.csrPem && (
          <>
            <button type="button" className="secondary" onClick={() => download(`${c.name}.csr`, c.csrPem!)}>
              Download CSR
            </button>
            <CopyButton text={c.csrPem} what="CSR" />
          </>
        )}
        {(c.status === "active" || c.status === "awaiting-certificate") && (
          <>
            <button
              type="button"
              className="secondary"
              onClick={() => renew.mutate({ id: c.id, newKey: false })}
            >
              New CSR (same key)
            </button>
            <button
              type="button"
              className="secondary"
              onClick={() => renew.mutate({ id: c.id, newKey: true })}
            >
              New CSR (new key)
            </button>
          </>
        )}
        {c.hsmGroupId && (
          <Link
            className="button"
            href={`/templates/security/ssl-certificates/inventory?group=${c.hsmGroupId}`}
          >
            Key inventory
          </Link>
        )}
        <ConfirmButton
          disabled={remove.isPending}
          title={`Delete certificate ${c.name}?`}
          consequence={
            <p>
              {c.type === "reference" || c.keyOrigin === "imported"
                ? "Removes the certificate from the console."
                : `Removes the certificate and destroys its key${c.hsmGroupName ? ` in HSM group ${c.hsmGroupName}` : ""}.`}{" "}
              This cannot be undone.
            </p>
          }
          confirmLabel={`Delete certificate ${c.name}`}
          onConfirm={() => remove.mutate({ id: c.id })}
        >
          Delete certificate
        </ConfirmButton>
      </div>
      {/* Once the signed certificate is in, the page shows it (below), not the request. */}
      {c.csrPem && c.status === "awaiting-certificate" && (
        <section className="panel" aria-label="Certificate signing request">
          <strong>Awaiting certificate</strong>
          <pre>{c.csrPem}</pre>
          <UploadSignedForm id={c.id} onDone={refresh} />
        </section>
      )}
      <CertificateFields c={c} />
      {c.status !== "creating" && c.status !== "failed" && <KeyPanel c={c} />}
      <CertificateHistory id={c.id} />
    </>
  );
}
