"use client";

import type { FieldError, UseFieldArrayReturn } from "react-hook-form";
import type { VsForm as Form, VsFormInput } from "./vs-form";

function Err({ error }: { error?: FieldError | { message?: string } }) {
  return error?.message ? <div className="field-error">{error.message}</div> : null;
}

/** Service ports: several, each with its SSL toggle. */
export function PortFields({
  form,
  array,
}: {
  form: Form;
  array: UseFieldArrayReturn<VsFormInput, "ports">;
}) {
  const errors = form.formState.errors.ports;
  return (
    <fieldset>
      <legend>Service ports</legend>
      {array.fields.map((f, i) => (
        <div key={f.id}>
          <label htmlFor={`vs-port-${i}`}>Port {i + 1}</label>
          <input
            id={`vs-port-${i}`}
            type="number"
            {...form.register(`ports.${i}.port`, { valueAsNumber: true })}
          />
          <input id={`vs-ssl-${i}`} type="checkbox" {...form.register(`ports.${i}.ssl`)} />
          <label htmlFor={`vs-ssl-${i}`}>SSL on port {i + 1}</label>
          {array.fields.length > 1 && (
            <button type="button" className="secondary" onClick={() => array.remove(i)}>
              Remove port {i + 1}
            </button>
          )}
          <Err error={errors?.[i]?.port} />
        </div>
      ))}
      <Err error={errors?.root ?? (errors as FieldError | undefined)} />
      <button type="button" className="secondary" onClick={() => array.append({ port: 8443, ssl: true })}>
        Add port
      </button>
    </fieldset>
  );
}

/** Pool servers: address:port list. */
export function PoolFields({
  form,
  array,
  echoServer,
}: {
  form: Form;
  array: UseFieldArrayReturn<VsFormInput, "pool">;
  echoServer: string | null;
}) {
  const errors = form.formState.errors.pool;
  return (
    <fieldset>
      <legend>Pool servers</legend>
      {echoServer && (
        <div className="hint">This console runs a built-in echo pool server on {echoServer}.</div>
      )}
      {array.fields.map((f, i) => (
        <div key={f.id}>
          <label htmlFor={`vs-pool-host-${i}`}>Server {i + 1} address</label>
          <input id={`vs-pool-host-${i}`} {...form.register(`pool.${i}.host`)} />
          <label htmlFor={`vs-pool-port-${i}`}>Server {i + 1} port</label>
          <input
            id={`vs-pool-port-${i}`}
            type="number"
            {...form.register(`pool.${i}.port`, { valueAsNumber: true })}
          />
          <button type="button" className="secondary" onClick={() => array.remove(i)}>
            Remove server {i + 1}
          </button>
          <Err error={errors?.[i]?.host} />
          <Err error={errors?.[i]?.port} />
        </div>
      ))}
      <Err error={errors?.root ?? (errors as FieldError | undefined)} />
      <button
        type="button"
        className="secondary"
        onClick={() => {
          const [host, port] = (echoServer ?? "127.0.0.1:8081").split(":");
          array.append({ host: host ?? "127.0.0.1", port: Number(port) });
        }}
      >
        Add pool server
      </button>
    </fieldset>
  );
}
