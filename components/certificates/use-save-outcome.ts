"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { applyServerError } from "@/lib/trpc/errors";

/**
 * After a certificate form saves: open the new certificate, or put the server's errors on the
 * named fields (the rest in the form's error banner).
 */
export function useSaveOutcome<T extends FieldValues>(form: UseFormReturn<T>, fields: readonly string[]) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return {
    error,
    clear: () => setError(null),
    onSuccess: (r: { id: string }) => router.push(`/templates/security/ssl-certificates/${r.id}`),
    onError: (e: unknown) => setError(applyServerError(e, form.setError, fields)),
  };
}
