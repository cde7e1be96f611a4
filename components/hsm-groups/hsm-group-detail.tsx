"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { HSM_TYPE_LABELS } from "@/lib/hsm-types";
import { formatModuleEnv } from "@/lib/schemas/module-env";
import { useTRPC } from "@/lib/trpc/client";
import { describeError } from "@/lib/trpc/errors";
import { ConfirmButton } from "../ui/confirm-button";
import { FormError } from "../ui/form-error";
import { addressTerm } from "./address-term";

const BASE = "/templates/security/hsm-groups";

export function HsmGroupDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const [error, setError] = useState<string | null>(null);
  const group = useQuery(trpc.hsmGroups.get.queryOptions({ id }));
  const remove = useMutation(
    trpc.hsmGroups.remove.mutationOptions({
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.hsmGroups.list.queryKey() });
        router.push(BASE);
      },
      onError: (e) => setError(describeError(e).message),
    }),
  );
  if (group.isError) return <FormError message={describeError(group.error).message} />;
  const g = group.data;
  if (!g) return <p>Loading…</p>;
  return (
    <>
      <FormError message={error} />
      <div className="actions">
        <Link className="button" href={`${BASE}/${id}/edit`}>
          Edit
        </Link>
        <Link className="button" href={`${BASE}/${id}/clients`}>
          Client certificates
        </Link>
        <Link className="button" href={`${BASE}/${id}/connection`}>
          Connection
        </Link>
        <Link className="button" href={`${BASE}/${id}/health`}>
          Health
        </Link>
        <Link className="button" href={`/templates/security/ssl-certificates/inventory?group=${id}`}>
          Key inventory
        </Link>
        {!g.builtIn && (
          <ConfirmButton
            disabled={remove.isPending}
            title={`Delete HSM group ${g.name}?`}
            consequence={
              <p>
                The console forgets this group, its servers and its client certificates. Keys on the HSMs are
                left in place. A group still used by a certificate or an SE group is refused.
              </p>
            }
            confirmLabel={`Delete HSM group ${g.name}`}
            onConfirm={() => {
              setError(null);
              remove.mutate({ id });
            }}
          >
            Delete
          </ConfirmButton>
        )}
      </div>
      <section className="panel" aria-label="Group">
        <dl>
          <dt>Type</dt>
          <dd>{HSM_TYPE_LABELS[g.type]}</dd>
          <dt>HA</dt>
          <dd>{g.isHa ? `On${g.haGroupNum ? ` (HA group ${g.haGroupNum})` : ""}` : "Off"}</dd>
          {g.moduleLibrary && (
            <>
              <dt>PKCS#11 library</dt>
              <dd>
                <code>{g.moduleLibrary}</code>
              </dd>
            </>
          )}
          {g.moduleEnv && Object.keys(g.moduleEnv).length > 0 && (
            <>
              <dt>Library environment</dt>
              <dd>
                <pre>{formatModuleEnv(g.moduleEnv)}</pre>
              </dd>
            </>
          )}
          <dt>SE groups using it</dt>
          <dd>{g.seGroups.map((s) => s.name).join(", ") || "None"}</dd>
          <dt>Tenant</dt>
          <dd>{g.tenantName}</dd>
        </dl>
      </section>
      <table className="table" aria-label="HSM servers">
        <thead>
          <tr>
            <th>#</th>
            <th>Address</th>
            <th>Partition</th>
            <th>Partition serial</th>
            <th>Password</th>
            <th>Server certificate</th>
          </tr>
        </thead>
        <tbody>
          {g.servers.map((s) => (
            <tr key={s.id}>
              <td>{s.position + 1}</td>
              <td>{s.address ? `${s.address}:${s.port}` : "local module"}</td>
              <td>{s.partition}</td>
              <td>{s.partitionSerial ?? "not yet read"}</td>
              <td>set</td>
              <td>
                {s.serverCert ? (
                  <>
                    {s.serverCert.subject}
                    <br />
                    <code>{s.serverCert.fingerprint}</code>
                    <br />
                    expires {s.serverCert.notAfter.slice(0, 10)}
                  </>
                ) : (
                  "—"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Trusted clients</h2>
      {g.clients.length === 0 ? (
        <p className="hint">None: a PKCS#11 module is used locally.</p>
      ) : (
        <ul>
          {g.clients
            .filter((c) => !c.replacedAt)
            .map((c) => (
              <li key={c.id}>
                {c.kind === "console" ? "Console node" : "Service engine"} {c.name} (
                {addressTerm(c.ip).toLowerCase()} {c.ip}, {c.network} network)
              </li>
            ))}
        </ul>
      )}
    </>
  );
}
