"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { type FieldError, useForm } from "react-hook-form";
import { type ImportCertificateInput, ZImportCertificateInput } from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { HsmGroupSelect } from "./hsm-group-select";
import { PemField } from "./pem-field";
import { useSaveOutcome } from "./use-save-outcome";

const FIELDS = [
  "name",
  "hsmGroupId",
  "keyPem",
  "keyPassphrase",
  "pkcs12Base64",
  "pkcs12Password",
  "certificatePem",
  "chainPem",
];

/** Import key + certificate (PEM, encrypted PEM, or PKCS#12); "Validate" stores nothing. */
export function ImportCertificateForm() {
  const trpc = useTRPC();
  const [p12Name, setP12Name] = useState<string | null>(null);
  const form = useForm<ImportCertificateInput>({
    resolver: zodResolver(ZImportCertificateInput),
    defaultValues: { hsmGroupId: "" },
  });
  const validate = useMutation(trpc.certificates.validateImport.mutationOptions());
  const outcome = useSaveOutcome(form, FIELDS);
  const save = useMutation(
    trpc.certificates.import.mutationOptions({ onSuccess: outcome.onSuccess, onError: outcome.onError }),
  );
  const errors = form.formState.errors;
  return (
    <form
      className="panel"
      aria-label="Import certificate"
      noValidate
      onSubmit={outcome.submit((values) => save.mutate(values))}
    >
      <FormError message={outcome.error} />
      <TextField id="imp-name" label="Name" registration={form.register("name")} error={errors.name} />
      <HsmGroupSelect
        id="imp-group"
        registration={form.register("hsmGroupId")}
        emptyLabel="None (key encrypted in the console database)"
        error={errors.hsmGroupId as FieldError | undefined}
        hint='With an HSM group the key is imported as sensitive and non-extractable, and flagged "imported".'
      />
      <PemField id="imp-key" label="Private key (PEM)" form={form} name="keyPem" />
      <TextField
        id="imp-pass"
        label="Key passphrase"
        type="password"
        autoComplete="off"
        registration={form.register("keyPassphrase")}
        error={errors.keyPassphrase}
      />
      <label htmlFor="imp-p12">PKCS#12 file (.p12, .pfx)</label>
      <input
        id="imp-p12"
        type="file"
        accept=".p12,.pfx"
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (!file) return;
          const bytes = new Uint8Array(await file.arrayBuffer());
          let binary = "";
          for (const b of bytes) binary += String.fromCharCode(b);
          form.setValue("pkcs12Base64", btoa(binary));
          setP12Name(file.name);
        }}
      />
      {p12Name && <div className="hint">{p12Name} loaded.</div>}
      {errors.pkcs12Base64?.message && <div className="field-error">{errors.pkcs12Base64.message}</div>}
      <TextField
        id="imp-p12-pass"
        label="PKCS#12 password"
        type="password"
        autoComplete="off"
        registration={form.register("pkcs12Password")}
        error={errors.pkcs12Password}
      />
      <PemField id="imp-cert" label="Certificate (PEM)" form={form} name="certificatePem" />
      <PemField id="imp-chain" label="Chain (PEM, optional)" form={form} name="chainPem" />
      {validate.data && (
        <section
          aria-label="Validation findings"
          className={`alert ${validate.data.ok ? "success" : "error"}`}
        >
          <strong>{validate.data.ok ? "Ready to import." : "Not importable."}</strong>
          <ul>
            {validate.data.findings.map((f) => (
              <li key={`${f.code}-${f.message}`}>
                {f.level}: {f.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <FormError message={validate.error?.message} />
      <div className="actions">
        <button
          type="button"
          className="secondary"
          onClick={() => validate.mutate({ ...form.getValues(), name: undefined })}
        >
          Validate
        </button>
        <button type="submit" disabled={save.isPending}>
          Import
        </button>
      </div>
    </form>
  );
}
