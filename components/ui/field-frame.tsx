import type { ReactNode } from "react";
import type { FieldError } from "react-hook-form";

/** What the control needs to point at its hint or error (screen readers, Playwright's descriptions). */
export interface ControlDescription {
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
}

interface Props {
  id: string;
  label: string;
  error?: FieldError;
  hint?: ReactNode;
  children: (description: ControlDescription) => ReactNode;
}

/** Label, control and the field's hint (until there is an error) or error, linked by id. */
export function FieldFrame({ id, label, error, hint, children }: Props) {
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {children({
        "aria-invalid": error ? true : undefined,
        "aria-describedby": error ? `${id}-error` : hint ? `${id}-hint` : undefined,
      })}
      {hint && !error && (
        <div className="hint" id={`${id}-hint`}>
          {hint}
        </div>
      )}
      {error?.message && (
        <div className="field-error" id={`${id}-error`}>
          {error.message}
        </div>
      )}
    </div>
  );
}
