import type { FieldValues, Path, UseFormSetError } from "react-hook-form";

interface ErrorData {
  appCode?: string;
  field?: string | null;
  details?: { issues?: { field: string; message: string }[] } | null;
}

/** The server's message, and its field when it names one (for forms). */
export function describeError(error: unknown): {
  message: string;
  field: string | null;
  code: string | null;
} {
  const e = error as { message?: string; data?: ErrorData } | null;
  return {
    message: e?.message ?? "Something went wrong.",
    field: e?.data?.field ?? null,
    code: e?.data?.appCode ?? null,
  };
}

/** Puts a server error on the form field it names; returns the message when no field matches. */
export function applyServerError<T extends FieldValues>(
  error: unknown,
  setError: UseFormSetError<T>,
  fields: readonly string[],
): string | null {
  const { message, field } = describeError(error);
  const issues = (error as { data?: ErrorData })?.data?.details?.issues;
  let placed = false;
  for (const issue of issues ?? (field ? [{ field, message }] : [])) {
    if (fields.includes(issue.field)) {
      setError(issue.field as Path<T>, {
        type: "server",
        message: issue.message.replace(`${issue.field}: `, ""),
      });
      placed = true;
    }
  }
  return placed ? null : message;
}

/** The object a page is about does not exist (or is not this tenant's): show the not-found page. */
export function isMissing(error: unknown): boolean {
  const e = error as { data?: ErrorData & { httpStatus?: number } } | null;
  return e?.data?.httpStatus === 404 || e?.data?.appCode === "NOT_FOUND" || e?.data?.field === "id";
}

/** Retrying a refusal (4xx) asks the same question again: only server and network failures are retried. */
export function worthRetrying(failures: number, error: unknown): boolean {
  const status = (error as { data?: { httpStatus?: number } } | null)?.data?.httpStatus;
  return failures < 1 && !(status !== undefined && status >= 400 && status < 500);
}
