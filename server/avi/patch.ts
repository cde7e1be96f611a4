import { AppError } from "@/lib/errors";

type Obj = Record<string, unknown>;

/**
 * Avi's PATCH: `{ "add": {…} }` appends list items and sets absent fields, `{ "replace": {…} }`
 * sets fields, `{ "delete": {…} }` removes list items equal to the given ones (or the field when
 * its value is given as is). The result is then saved like a PUT of the whole object.
 */
export function applyPatch(current: Obj, body: Obj): Obj {
  const ops = Object.keys(body);
  const unknown = ops.filter((op) => op !== "add" && op !== "replace" && op !== "delete");
  if (!ops.length || unknown.length) {
    throw new AppError(
      "VALIDATION",
      `A PATCH body is {"add"|"replace"|"delete": {…}}${unknown.length ? `; "${unknown[0]}" is not one of them` : ""}.`,
      { field: unknown[0] ?? "add" },
    );
  }
  let next = structuredClone(current);
  for (const op of ops) {
    const fields = body[op];
    if (!fields || typeof fields !== "object" || Array.isArray(fields)) {
      throw new AppError("VALIDATION", `"${op}" must be an object of fields.`, { field: op });
    }
    next =
      op === "replace"
        ? { ...next, ...(fields as Obj) }
        : op === "add"
          ? added(next, fields as Obj)
          : deleted(next, fields as Obj);
  }
  return next;
}

function added(target: Obj, fields: Obj): Obj {
  const out = { ...target };
  for (const [key, value] of Object.entries(fields)) {
    const existing = out[key];
    if (Array.isArray(existing) && Array.isArray(value)) out[key] = [...existing, ...value];
    else if (isObject(existing) && isObject(value)) out[key] = added(existing, value);
    else out[key] = value;
  }
  return out;
}

function deleted(target: Obj, fields: Obj): Obj {
  const out = { ...target };
  for (const [key, value] of Object.entries(fields)) {
    const existing = out[key];
    if (Array.isArray(existing) && Array.isArray(value)) {
      const drop = value.map((v) => JSON.stringify(v));
      out[key] = existing.filter((item) => !drop.some((d) => matches(item, d)));
    } else if (isObject(existing) && isObject(value)) out[key] = deleted(existing, value);
    else delete out[key];
  }
  return out;
}

/** A list item is deleted when it equals the given one, or (for objects) contains all its fields. */
function matches(item: unknown, given: string): boolean {
  if (JSON.stringify(item) === given) return true;
  const wanted = JSON.parse(given) as unknown;
  return (
    isObject(item) &&
    isObject(wanted) &&
    Object.entries(wanted).every(([k, v]) => JSON.stringify(item[k]) === JSON.stringify(v))
  );
}

function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
