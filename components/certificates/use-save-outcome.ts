"use client";

import { useRouter } from "next/navigation";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { useFormErrors } from "../ui/use-form-errors";

/**
 * After a certificate form saves: open the new certificate, or put the server's errors on the
 * named fields (the rest in the form's error banner).
 */
export function useSaveOutcome<T extends FieldValues>(form: UseFormReturn<T>, fields: readonly string[]) {
  const router = useRouter();
  const errors = useFormErrors(form, fields);
  return {
    ...errors,
    onSuccess: (r: { id: string }) => router.push(`/templates/security/ssl-certificates/${r.id}`),
  };
}
