"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation, useQuery } from "@tanstack/react-query";
import { type FieldError, useForm } from "react-hook-form";
import {
  type CreateCertificateInput,
  KEY_CHOICE_LABELS,
  ZCreateCertificateInput,
} from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { useSaveOutcome } from "./use-save-outcome";

const FIELDS = [
  "name",
  "type",
  "hsmGroupId",
  "key",
  "commonName",
  "organization",
  "organizationalUnit",
  "locality",
  "state",
  "country",
  "email",
  "dnsNames",
  "ipAddresses",
  "validityDays",
] as const;
/** Array fields report either one message or one per item: show the first. */
function listError(e: unknown): FieldError | undefined {
  const list = e as { message?: string; [i: number]: { message?: string } | undefined } | undefined;
  if (!list) return undefined;
  const items = Object.values(list) as Array<{ message?: string } | undefined>;
  const message = list.message ?? items.find((v) => typeof v === "object" && v?.message)?.message;
  return message ? { type: "validate", message } : undefined;
}
const toList = (v: unknown) => (typeof v === "string" ? v.split(/[\s,]+/).filter(Boolean) : v);

/** Create > Application Certificate: self-signed or CSR, key generated in an HSM group (or the database). */
export function CreateCertificateForm() {
  const trpc = useTRPC();
  const form = useForm<CreateCertificateInput>({
    resolver: zodResolver(ZCreateCertificateInput),
    defaultValues: { type: "self-signed", key: "EC-P-256", validityDays: 365, hsmGroupId: "" },
  });
  const outcome = useSaveOutcome(form, FIELDS);
  const groups = useQuery(trpc.certificates.hsmGroupChoices.queryOptions());
  const groupId = form.watch("hsmGroupId") as string | undefined;
  const options = useQuery(trpc.certificates.keyOptions.queryOptions({ hsmGroupId: groupId || undefined }));
  const create = useMutation(
    trpc.certificates.create.mutationOptions({ onSuccess: outcome.onSuccess, onError: outcome.onError }),
  );
  const errors = form.formState.errors;
  const type = form.watch("type");
  return (
    <form
      className="panel"
      aria-label="New certificate"
      noValidate
      onSubmit={outcome.submit((values) => create.mutate(values))}
    >
      <FormError message={outcome.error} />
      <TextField id="cert-name" label="Name" registration={form.register("name")} error={errors.name} />
      <label htmlFor="cert-type">Type</label>
      <select id="cert-type" {...form.register("type")}>
        <option value="self-signed">Self-signed</option>
        <option value="csr">CSR (signed by a certificate authority)</option>
      </select>
      <label htmlFor="cert-group">HSM group</label>
      <select id="cert-group" {...form.register("hsmGroupId")} aria-describedby="cert-group-hint">
        <option value="">None (key encrypted in the console database)</option>
        {groups.data?.map((g) => (
          <option key={g.id} value={g.id}>
            {g.name}
          </option>
        ))}
      </select>
      <div className="hint" id="cert-group-hint">
        With an HSM group the key is generated in the HSM and never leaves it.
      </div>
      <label htmlFor="cert-key">Key</label>
      <select id="cert-key" {...form.register("key")} aria-invalid={errors.key ? true : undefined}>
        {(options.data?.keys ?? []).map((k) => (
          <option key={k} value={k}>
            {KEY_CHOICE_LABELS[k]}
          </option>
        ))}
      </select>
      {options.isFetching && <div className="hint">Asking the HSM which keys it can generate…</div>}
      {errors.key?.message && <div className="field-error">{errors.key.message}</div>}
      <fieldset>
        <legend>Subject</legend>
        <TextField
          id="cert-cn"
          label="Common name (CN)"
          registration={form.register("commonName")}
          error={errors.commonName}
        />
        <TextField
          id="cert-o"
          label="Organization (O)"
          registration={form.register("organization")}
          error={errors.organization}
        />
        <TextField
          id="cert-ou"
          label="Organizational unit (OU)"
          registration={form.register("organizationalUnit")}
          error={errors.organizationalUnit}
        />
        <TextField
          id="cert-l"
          label="Locality (L)"
          registration={form.register("locality")}
          error={errors.locality}
        />
        <TextField
          id="cert-st"
          label="State (ST)"
          registration={form.register("state")}
          error={errors.state}
        />
        <TextField
          id="cert-c"
          label="Country (C)"
          registration={form.register("country")}
          error={errors.country}
        />
        <TextField
          id="cert-email"
          label="E-mail"
          registration={form.register("email")}
          error={errors.email}
        />
      </fieldset>
      <TextField
        id="cert-dns"
        label="DNS names (SAN)"
        hint="Separate with commas or spaces."
        registration={form.register("dnsNames", { setValueAs: toList })}
        error={listError(errors.dnsNames)}
      />
      <TextField
        id="cert-ip"
        label="IP addresses (SAN)"
        registration={form.register("ipAddresses", { setValueAs: toList })}
        error={listError(errors.ipAddresses)}
      />
      {type === "self-signed" && (
        <TextField
          id="cert-days"
          label="Validity (days)"
          type="number"
          registration={form.register("validityDays", { valueAsNumber: true })}
          error={errors.validityDays}
        />
      )}
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create certificate"}
        </button>
      </div>
    </form>
  );
}
