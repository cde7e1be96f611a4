"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useMutation } from "@tanstack/react-query";
import { useForm } from "react-hook-form";
import { type UploadSignedInput, ZUploadSignedInput } from "@/lib/schemas/certificate";
import { useTRPC } from "@/lib/trpc/client";
import { FormError } from "../ui/form-error";
import { useFormErrors } from "../ui/use-form-errors";
import { PemField } from "./pem-field";

/** Upload the certificate the CA signed for the CSR (with or without its chain). */
export function UploadSignedForm({ id, onDone }: { id: string; onDone: () => void }) {
  const trpc = useTRPC();
  const form = useForm<UploadSignedInput>({
    resolver: zodResolver(ZUploadSignedInput),
    defaultValues: { id },
  });
  const { error, onError, submit } = useFormErrors(form, ["certificatePem", "chainPem"]);
  const upload = useMutation(
    trpc.certificates.uploadSigned.mutationOptions({
      onSuccess: () => {
        form.reset({ id });
        onDone();
      },
      onError,
    }),
  );
  return (
    <form
      aria-label="Upload signed certificate"
      noValidate
      onSubmit={submit((values) => upload.mutate(values))}
    >
      <FormError message={error} />
      <PemField id="signed-cert" label="Signed certificate (PEM)" form={form} name="certificatePem" />
      <PemField id="signed-chain" label="Chain (PEM, optional)" form={form} name="chainPem" />
      <div className="actions">
        <button type="submit" disabled={upload.isPending}>
          Upload certificate
        </button>
      </div>
    </form>
  );
}
