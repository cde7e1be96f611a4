import type { InputHTMLAttributes } from "react";
import type { FieldError, UseFormRegisterReturn } from "react-hook-form";
import { FieldFrame } from "./field-frame";

interface Props extends Omit<InputHTMLAttributes<HTMLInputElement>, "id"> {
  id: string;
  label: string;
  registration: UseFormRegisterReturn;
  error?: FieldError;
  hint?: string;
}

/** Label, input and the field's error, linked for screen readers (and Playwright's getByLabel). */
export function TextField({ id, label, registration, error, hint, ...input }: Props) {
  return (
    <FieldFrame id={id} label={label} error={error} hint={hint}>
      {(description) => <input id={id} {...description} {...input} {...registration} />}
    </FieldFrame>
  );
}
