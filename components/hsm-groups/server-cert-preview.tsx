"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";

/** Subject, fingerprint and expiry of a pasted server.pem, parsed by the server as on save. */
export function ServerCertPreview({ pem, id }: { pem: string; id: string }) {
  const trpc = useTRPC();
  const text = pem.trim();
  const parsed = useQuery({
    ...trpc.hsmGroups.parseServerCert.queryOptions({ pem: text }),
    enabled: text.includes("-----BEGIN"),
    retry: false,
  });
  if (!text.includes("-----BEGIN")) return null;
  if (parsed.isError)
    return (
      <div className="field-error" id={`${id}-parsed`}>
        {describeError(parsed.error).message}
      </div>
    );
  if (!parsed.data) return null;
  return (
    <dl className="hint cert-info" aria-label="Parsed server certificate" id={`${id}-parsed`}>
      <dt>Subject</dt>
      <dd>{parsed.data.subject}</dd>
      <dt>SHA-256 fingerprint</dt>
      <dd>
        <code>{parsed.data.fingerprint}</code>
      </dd>
      <dt>Expires</dt>
      <dd>{parsed.data.notAfter.slice(0, 10)}</dd>
    </dl>
  );
}
