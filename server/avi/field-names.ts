import { AppError } from "@/lib/errors";
import { toAppError } from "@/server/trpc/errors";

/** Console input field → Avi field, as a pattern on the dotted path and its replacement. */
export type FieldNames = readonly (readonly [RegExp, string])[];

/**
 * A refusal from a console procedure names the console's input field (`servers.0.address`);
 * an Avi client sent `hsm.sluna.server.0.remote_ip`. The field, and the message's leading field
 * name, are translated; the code, status and reason stay the procedure's.
 */
export async function inAviNames<T>(names: FieldNames | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!names) throw error;
    const app = toAppError(error);
    // Unexpected errors go on untouched: the error envelope logs them.
    if (!app.field) throw error;
    const field = rename(names, app.field);
    const message = app.message.startsWith(`${app.field}: `)
      ? `${field}: ${app.message.slice(app.field.length + 2)}`
      : app.message;
    throw new AppError(app.code, message, { field, ...(app.details ? { details: app.details } : {}) });
  }
}

function rename(names: FieldNames, field: string): string {
  for (const [pattern, replacement] of names) {
    if (pattern.test(field)) return field.replace(pattern, replacement);
  }
  return field;
}
