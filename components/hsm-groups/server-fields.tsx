"use client";

import type { FieldErrors, UseFormRegister } from "react-hook-form";
import { PARTITION_LABEL_RULE, type UpdateHsmGroupInput } from "@/lib/schemas/hsm-group";
import { TextField } from "../ui/text-field";
import { ServerCertPreview } from "./server-cert-preview";

interface Props {
  index: number;
  network: boolean;
  editing: boolean;
  register: UseFormRegister<UpdateHsmGroupInput>;
  errors: FieldErrors<UpdateHsmGroupInput>;
  serverCert: string;
  onRemove?: () => void;
}

/** One HSM of the group (Avi's sluna.server[]): address, server.pem, partition and its password. */
export function ServerFields({ index: i, network, editing, register, errors, serverCert, onRemove }: Props) {
  const e = errors.servers?.[i];
  const id = (f: string) => `server-${i}-${f}`;
  return (
    <fieldset className="panel">
      <legend>{network ? `HSM ${i + 1}` : "Token"}</legend>
      {network && (
        <>
          <TextField
            id={id("address")}
            label="Address"
            hint="IP address or host name of the appliance."
            registration={register(`servers.${i}.address`)}
            error={e?.address}
          />
          <TextField
            id={id("port")}
            label="Port"
            type="number"
            registration={register(`servers.${i}.port`, { valueAsNumber: true })}
            error={e?.port}
          />
          <div>
            <label htmlFor={id("cert")}>Server certificate (server.pem)</label>
            <textarea
              id={id("cert")}
              rows={6}
              aria-invalid={e?.serverCert ? true : undefined}
              {...register(`servers.${i}.serverCert`)}
            />
            {e?.serverCert?.message && <div className="field-error">{e.serverCert.message}</div>}
            <ServerCertPreview pem={serverCert} id={id("cert")} />
          </div>
        </>
      )}
      <TextField
        id={id("partition")}
        label={network ? "Partition" : "Token label"}
        hint={PARTITION_LABEL_RULE}
        registration={register(`servers.${i}.partition`)}
        error={e?.partition}
      />
      <TextField
        id={id("password")}
        label={network ? "Partition password" : "PIN"}
        type="password"
        autoComplete="new-password"
        hint={editing ? "Set. Leave empty to keep it; type a new one to change it." : undefined}
        registration={register(`servers.${i}.partitionPassword`)}
        error={e?.partitionPassword}
      />
      {network && (
        <TextField
          id={id("admin")}
          label="Admin API URL (optional)"
          hint="https://<hsm>:8443 — for automatic client registration."
          registration={register(`servers.${i}.adminApiUrl`)}
          error={e?.adminApiUrl}
        />
      )}
      {onRemove && (
        <div className="actions">
          <button type="button" className="secondary" onClick={onRemove}>
            Remove HSM {i + 1}
          </button>
        </div>
      )}
    </fieldset>
  );
}
