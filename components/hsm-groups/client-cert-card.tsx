"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { ClientCertRow } from "@/lib/schemas/hsm-client";
import { useTRPC } from "@/lib/trpc/client";
import { CopyButton } from "../ui/copy-button";
import { addressTerm } from "./address-term";
import { RegisterForm } from "./register-form";

const STATUS_TEXT: Record<string, string> = {
  unknown: "not checked yet",
  registered: "registered, partition visible",
  refused: "refused at handshake",
  unreachable: "unreachable",
  "no-partition": "registered, partition not assigned",
};

/** One client: its certificate, download, and per server the commands, status and automatic registration. */
export function ClientCertCard({
  groupId,
  client,
  adminUrls,
}: {
  groupId: string;
  client: ClientCertRow;
  adminUrls: Record<string, { url: string | null; saved: boolean }>;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const rotate = useMutation(
    trpc.hsmGroups.rotateClient.mutationOptions({
      onSuccess: () =>
        queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.clients.queryKey({ id: groupId }) }),
    }),
  );
  const replaced = client.replacedAt !== null;
  return (
    <section className="panel" aria-label={`Client ${client.name}${replaced ? " (replaced)" : ""}`}>
      <h2>
        {client.name} {replaced && <span className="badge">replaced</span>}
      </h2>
      <dl>
        <dt>Subject</dt>
        <dd>{client.subject}</dd>
        <dt>{addressTerm(client.ip)}</dt>
        <dd>{client.ip}</dd>
        <dt>SHA-256 fingerprint</dt>
        <dd>
          <code data-testid="client-fingerprint">{client.fingerprint}</code>{" "}
          <CopyButton text={client.fingerprint} what="fingerprint" />
        </dd>
        <dt>Expires</dt>
        <dd>{client.notAfter.slice(0, 10)}</dd>
      </dl>
      <div className="actions">
        <a
          className="button"
          href={`/api/hsm-groups/${groupId}/clients/${client.id}/pem`}
          download={`${client.name}.pem`}
        >
          Download {client.name}.pem
        </a>
        {!replaced && (
          <button
            type="button"
            className="secondary"
            disabled={rotate.isPending}
            onClick={() => rotate.mutate({ id: groupId, clientId: client.id })}
          >
            Regenerate certificate
          </button>
        )}
      </div>
      {!replaced &&
        client.servers.map((s) => (
          <section key={s.serverId} className="panel" aria-label={`${client.name} on ${s.address}`}>
            <h3>
              {s.address} — partition {s.partition}
            </h3>
            <p>
              Status:{" "}
              <strong
                className={`badge ${s.status === "registered" ? "success" : s.status === "unknown" ? "" : "failure"}`}
              >
                {STATUS_TEXT[s.status]}
              </strong>
              {s.detail && <> — {s.detail}</>}
              {s.checkedAt && (
                <span className="hint"> (checked {new Date(s.checkedAt).toLocaleString()})</span>
              )}
            </p>
            <p className="hint">Copy the certificate to the appliance and register it there:</p>
            <section aria-label={`Commands for ${s.address}`}>
              <pre>{s.commands.join("\n")}</pre>
            </section>
            <CopyButton text={s.commands.join("\n")} what={`commands for ${s.address}`} />
            {s.status !== "registered" && (
              <details>
                <summary>Register automatically</summary>
                <RegisterForm
                  groupId={groupId}
                  serverId={s.serverId}
                  address={s.address}
                  adminApiUrl={adminUrls[s.serverId]?.url ?? null}
                  saved={adminUrls[s.serverId]?.saved ?? false}
                />
              </details>
            )}
          </section>
        ))}
      {!replaced && client.chrystokiConf && (
        <details>
          <summary>Chrystoki.conf for {client.name}</summary>
          <section aria-label={`Chrystoki.conf for ${client.name}`}>
            <pre>{client.chrystokiConf}</pre>
          </section>
          <CopyButton text={client.chrystokiConf} what="Chrystoki.conf" />
          {client.chrystokiDiff && (
            <>
              <h3>Changes since the previous version</h3>
              <pre>
                {client.chrystokiDiff.map((l, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a diff's lines are positional
                  <span key={i} className={l.op === "+" ? "diff-add" : l.op === "-" ? "diff-del" : undefined}>
                    {`${l.op} ${l.text}\n`}
                  </span>
                ))}
              </pre>
            </>
          )}
        </details>
      )}
    </section>
  );
}
