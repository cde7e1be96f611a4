"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { type ReferenceCertificateInput, ZReferenceCertificateInput } from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { TextField } from "../ui/text-field";
import { HsmGroupSelect } from "./hsm-group-select";
import { PemField } from "./pem-field";
import { useSaveOutcome } from "./use-save-outcome";

const FIELDS = ["name", "hsmGroupId", "keyUri", "keyLabel", "certificatePem", "chainPem"];

/**
 * A certificate for a key that is already in an HSM group (made by another tool): found by its
 * PKCS#11 URI or label; the certificate must carry that key's public key. Nothing is created in
 * the HSM, and deleting the certificate later leaves the key where it is.
 */
export function ReferenceCertificateForm() {
  const trpc = useTRPC();
  const form = useForm<ReferenceCertificateInput>({
    resolver: zodResolver(ZReferenceCertificateInput),
    defaultValues: { hsmGroupId: "" },
  });
  const outcome = useSaveOutcome(form, FIELDS);
  const save = useMutation(
    trpc.certificates.reference.mutationOptions({ onSuccess: outcome.onSuccess, onError: outcome.onError }),
  );
  const errors = form.formState.errors;
  return (
    <form
      className="panel"
      aria-label="Reference a key in the HSM"
      noValidate
      onSubmit={outcome.submit((values) => save.mutate(values))}
    >
      <FormError message={outcome.error} />
      <TextField id="ref-name" label="Name" registration={form.register("name")} error={errors.name} />
      <HsmGroupSelect
        id="ref-group"
        registration={form.register("hsmGroupId")}
        emptyLabel="Choose the group that holds the key"
        error={errors.hsmGroupId}
      />
      <TextField
        id="ref-uri"
        label="PKCS#11 URI"
        placeholder="pkcs11:token=…;id=%01;type=private"
        hint="The key's RFC 7512 URI (with id= or object=), or leave empty and give its label."
        registration={form.register("keyUri")}
        error={errors.keyUri}
      />
      <TextField
        id="ref-label"
        label="Key label"
        registration={form.register("keyLabel")}
        error={errors.keyLabel}
      />
      <PemField id="ref-cert" label="Certificate (PEM)" form={form} name="certificatePem" />
      <PemField id="ref-chain" label="Chain (PEM, optional)" form={form} name="chainPem" />
      <div className="actions">
        <button type="submit" disabled={save.isPending}>
          Reference key
        </button>
      </div>
    </form>
  );
}
