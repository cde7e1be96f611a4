"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type FieldError, useFieldArray, useForm } from "react-hook-form";
import type { z } from "zod";
import type { VirtualServiceView } from "@/lib/schemas/virtual-services";
import { useTRPC } from "@/lib/trpc/client";
import { applyServerError } from "@/lib/trpc/errors";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { type VsFormInput, ZVsForm } from "./vs-form";
import { PoolFields, PortFields } from "./vs-list-fields";

const FIELDS = ["name", "vip", "ports", "certificateId", "pool", "healthCheckPath", "seGroupId"] as const;
const STEP1 = new Set(["name", "vip", "ports", "certificateId", "pool", "healthCheckPath"]);

export function VsWizard({
  editing,
  onDone,
}: {
  editing: VirtualServiceView | null;
  onDone: (id?: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const choices = useQuery(trpc.virtualServices.choices.queryOptions());
  const [step, setStep] = useState<1 | 2>(1);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<VsFormInput, unknown, z.output<typeof ZVsForm>>({
    resolver: zodResolver(ZVsForm),
    defaultValues: editing
      ? {
          ...editing,
          certificateId: editing.certificateId ?? "",
          healthCheckPath: editing.healthCheckPath ?? "",
        }
      : {
          name: "",
          vip: "",
          ports: [{ port: 443, ssl: true }],
          certificateId: "",
          pool: [],
          healthCheckPath: "",
          seGroupId: "",
        },
  });
  const ports = useFieldArray({ control: form.control, name: "ports" });
  const pool = useFieldArray({ control: form.control, name: "pool" });
  const onSuccess = async (vs: VirtualServiceView) => {
    await queryClient.invalidateQueries({ queryKey: trpc.virtualServices.list.queryKey() });
    onDone(vs.id);
  };
  const onError = (e: unknown) => {
    setError(applyServerError(e, form.setError, FIELDS));
    const field = (e as { data?: { field?: string } }).data?.field?.split(".")[0];
    if (field && STEP1.has(field)) setStep(1);
  };
  const create = useMutation(trpc.virtualServices.create.mutationOptions({ onSuccess, onError }));
  const update = useMutation(trpc.virtualServices.update.mutationOptions({ onSuccess, onError }));
  const errors = form.formState.errors;
  const seGroups = choices.data?.seGroups ?? [];
  const chosenCertificate = form.watch("certificateId");
  const nodeOnly = choices.data?.certificates.find((c) => c.id === chosenCertificate)?.hsmGroupNode ?? null;
  return (
    <form
      className="panel"
      aria-label={editing ? `Edit ${editing.name}` : "New virtual service"}
      noValidate
      onSubmit={form.handleSubmit(
        (values) => {
          setError(null);
          if (values.id) update.mutate({ ...values, id: values.id });
          else create.mutate(values);
        },
        (invalid) => {
          // The form's own checks: show step 1 when a field there is at fault.
          if (Object.keys(invalid).some((k) => STEP1.has(k))) setStep(1);
        },
      )}
    >
      <h2>{step === 1 ? "Step 1: Settings" : "Step 2: Advanced"}</h2>
      <FormError message={error} />
      <div hidden={step !== 1}>
        <TextField id="vs-name" label="Name" registration={form.register("name")} error={errors.name} />
        <TextField
          id="vs-vip"
          label="VIP address"
          hint="IPv4; on this machine a loopback address such as 127.0.94.10."
          registration={form.register("vip")}
          error={errors.vip}
        />
        <PortFields form={form} array={ports} />
        <label htmlFor="vs-certificate">SSL certificate</label>
        <select id="vs-certificate" {...form.register("certificateId")}>
          <option value="">None</option>
          {(choices.data?.certificates ?? []).map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
              {c.hsmGroupName ? ` (HSM: ${c.hsmGroupName})` : ""}
              {c.hsmGroupNode ? ` — served only by SEs on ${c.hsmGroupNode}` : ""}
            </option>
          ))}
        </select>
        {nodeOnly && (
          <div className="hint">
            This certificate&apos;s key is in the SoftHSM token of console node {nodeOnly}: only the service
            engines on {nodeOnly} can serve it.
          </div>
        )}
        {errors.certificateId?.message && <div className="field-error">{errors.certificateId.message}</div>}
        <PoolFields form={form} array={pool} echoServer={choices.data?.echoServer ?? null} />
        <TextField
          id="vs-health"
          label="Health check path (optional)"
          hint="Used by the Test button, e.g. /health."
          registration={form.register("healthCheckPath")}
          error={errors.healthCheckPath as FieldError | undefined}
        />
      </div>
      <div hidden={step !== 2}>
        <label htmlFor="vs-se-group">Service engine group</label>
        <select id="vs-se-group" {...form.register("seGroupId")}>
          <option value="">Choose…</option>
          {seGroups.map((g) => (
            <option key={g.id} value={g.id}>
              {g.name}
            </option>
          ))}
        </select>
        {errors.seGroupId?.message && <div className="field-error">{errors.seGroupId.message}</div>}
        <div className="hint">
          An HSM certificate needs a service engine group that references the certificate's HSM group.
        </div>
      </div>
      <div className="actions">
        {step === 1 ? (
          <button type="button" onClick={() => setStep(2)}>
            Next
          </button>
        ) : (
          <>
            <button type="button" className="secondary" onClick={() => setStep(1)}>
              Back
            </button>
            <button type="submit" disabled={create.isPending || update.isPending}>
              Save
            </button>
          </>
        )}
        <button type="button" className="secondary" onClick={() => onDone()}>
          Cancel
        </button>
      </div>
    </form>
  );
}
