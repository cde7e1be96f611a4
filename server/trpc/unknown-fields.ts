import "server-only";
import type { z } from "zod";
import { AppError } from "@/lib/errors";
import { unknownFields } from "@/lib/schemas/unknown-fields";
import { t } from "./t";

type Procedures = Record<string, { _def: { inputs: z.ZodType[] } }>;

/**
 * The procedures' input schemas by path, registered by router.ts when it is built: this file
 * cannot import the router (the router imports the procedures, which are built with this check).
 */
let procedures: Procedures = {};

export function registerProcedureInputs(router: { _def: { procedures: object } }): void {
  procedures = router._def.procedures as Procedures;
}

/**
 * Every procedure's input, from the browser, the CLI or REST, is refused with 400 when it holds a
 * field its schema does not know, naming the fields, instead of zod dropping them silently.
 */
export const rejectUnknownFields = t.middleware(async ({ path, getRawInput, next }) => {
  const inputs = Object.hasOwn(procedures, path) ? (procedures[path]?._def.inputs ?? []) : [];
  if (inputs.length === 0) return next();
  const raw = await getRawInput();
  const fields = inputs
    .map((schema) => unknownFields(schema, raw))
    .reduce((common, list) => common.filter((field) => list.includes(field)));
  if (fields.length === 0) return next();
  const known = Object.keys((inputs[0] as { shape?: object }).shape ?? {});
  throw new AppError(
    "VALIDATION",
    `Unknown field${fields.length > 1 ? "s" : ""} ${fields.map((f) => `"${f}"`).join(", ")}: this request does not accept ${fields.length > 1 ? "them" : "it"}.${known.length ? ` Accepted fields: ${known.join(", ")}.` : ""}`,
    { field: fields[0], details: { unknownFields: fields } },
  );
});
