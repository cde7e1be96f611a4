"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { useTRPC } from "@/lib/trpc/client";
import { EmptyState } from "../ui/empty-state";
import { FormError } from "../ui/form-error";
import { useUrlState } from "../ui/use-url-state";
import { VsDetail } from "./vs-detail";
import { VsWizard } from "./vs-wizard";

const BADGE: Record<string, string> = { up: "success", down: "failure" };
const DEFAULTS = { open: "" };

export function VirtualServicesPage() {
  const trpc = useTRPC();
  const query = useQuery({ ...trpc.virtualServices.list.queryOptions(), refetchInterval: 2000 });
  const [wizard, setWizard] = useState<{ editing: VirtualServiceView | null } | null>(null);
  // The open virtual service is in the URL (?open=id): a reload shows it again.
  const [{ open: openId }, setUrl] = useUrlState(DEFAULTS);
  const setOpenId = (id: string | null) => setUrl({ open: id ?? "" });
  const services = query.data ?? [];
  const open = services.find((v) => v.id === openId) ?? null;
  if (query.isPending) return <p>Loading virtual services…</p>;
  return (
    <>
      <FormError message={query.error?.message} />
      {wizard ? (
        <VsWizard
          key={wizard.editing?.id ?? "new"}
          editing={wizard.editing}
          onDone={(id) => {
            setWizard(null);
            if (id) setOpenId(id);
          }}
        />
      ) : (
        <div className="actions">
          <button type="button" onClick={() => setWizard({ editing: null })}>
            Create virtual service
          </button>
        </div>
      )}
      {open && !wizard && (
        <VsDetail vs={open} onEdit={() => setWizard({ editing: open })} onDeleted={() => setOpenId(null)} />
      )}
      {services.length === 0 ? (
        <EmptyState title="No virtual services yet">
          <p>Create one: a VIP, service ports, an SSL certificate held in an HSM, and a pool.</p>
        </EmptyState>
      ) : (
        <table aria-label="Virtual services">
          <thead>
            <tr>
              <th>Name</th>
              <th>VIP</th>
              <th>Ports</th>
              <th>SSL certificate</th>
              <th>SE group</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {services.map((vs) => (
              <tr key={vs.id}>
                <td>
                  <button type="button" className="link" onClick={() => setOpenId(vs.id)}>
                    {vs.name}
                  </button>
                </td>
                <td>{vs.vip}</td>
                <td>{vs.ports.map((p) => `${p.port}${p.ssl ? " (SSL)" : ""}`).join(", ")}</td>
                <td>{vs.certificateName ?? "—"}</td>
                <td>{vs.seGroupName}</td>
                <td>
                  <span className={`badge ${BADGE[vs.state] ?? ""}`}>{vs.state}</span>
                  {vs.stateReason && <div className="hint">{vs.stateReason}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
