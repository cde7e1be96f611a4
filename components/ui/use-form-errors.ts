"use client";

import { useState } from "react";
import type { FieldValues, UseFormReturn } from "react-hook-form";
import { applyServerError } from "@/lib/trpc/errors";

/**
 * A form's server errors: the ones that name a field go on that field, the rest in the form's
 * banner (`error`), cleared when the form is submitted again.
 */
export function useFormErrors<T extends FieldValues>(form: UseFormReturn<T>, fields: readonly string[]) {
  const [error, setError] = useState<string | null>(null);
  return {
    error,
    clear: () => setError(null),
    /** A mutation's onError. */
    onError: (e: unknown) => setError(applyServerError(e, form.setError, fields)),
    /** handleSubmit that clears the previous banner before calling `save`. */
    submit: (save: (values: T) => void) =>
      form.handleSubmit((values) => {
        setError(null);
        save(values);
      }),
  };
}
