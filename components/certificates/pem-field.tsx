"use client";

import type { FieldValues, Path, UseFormReturn } from "react-hook-form";

/** A PEM textarea with "upload a file" beside it (paste or upload, as in the document). */
export function PemField<T extends FieldValues>({
  id,
  label,
  form,
  name,
}: {
  id: string;
  label: string;
  form: UseFormReturn<T>;
  name: Path<T>;
}) {
  const error = form.formState.errors[name];
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      <textarea
        id={id}
        rows={6}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
        {...form.register(name)}
      />
      <input
        type="file"
        aria-label={`${label}: upload a file`}
        onChange={async (e) => {
          const file = e.target.files?.[0];
          if (file) form.setValue(name, (await file.text()) as never, { shouldValidate: false });
        }}
      />
      {typeof error?.message === "string" && (
        <div className="field-error" id={`${id}-error`}>
          {error.message}
        </div>
      )}
    </div>
  );
}
