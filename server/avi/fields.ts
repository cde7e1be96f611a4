import { isDeepStrictEqual } from "node:util";
import { AppError } from "@/lib/errors";

/**
 * Which fields of an Avi body the console honours. `writable` fields map onto the console's
 * input; `readOnly` fields (uuid, url, what the console computes) may come back unchanged in a
 * GET-modify-PUT round trip, as the SDKs and Ansible send them, but never with another value.
 * Every other field is refused by name: Avi has hundreds the console does not implement, and
 * dropping one silently would answer 200 for a change that never happened.
 */
export interface FieldRules {
  writable: readonly string[];
  readOnly: readonly string[];
}

/** Read-only on every Avi object. */
export const COMMON_READ_ONLY = ["uuid", "url", "_last_modified", "tenant_ref"] as const;

export function checkFields(
  body: Record<string, unknown>,
  rules: FieldRules,
  current: Record<string, unknown> | null,
  at = "",
): void {
  const unknown = Object.keys(body).filter((k) => !rules.writable.includes(k) && !rules.readOnly.includes(k));
  if (unknown.length) {
    const list = unknown.map((k) => `"${at}${k}"`).join(", ");
    throw new AppError(
      "VALIDATION",
      `Unsupported field${unknown.length > 1 ? "s" : ""} ${list}: HSM Console does not implement ${
        unknown.length > 1 ? "them" : "it"
      } (see Administration > API reference for the fields it honours). Remove ${unknown.length > 1 ? "them" : "it"}.`,
      { field: `${at}${unknown[0]}` },
    );
  }
  for (const key of rules.readOnly) {
    if (!Object.hasOwn(body, key) || key === "url" || key === "_last_modified") continue;
    if (current && sameValue(body[key], current[key])) continue;
    throw new AppError(
      "VALIDATION",
      `"${at}${key}" is computed by the console and cannot be ${current ? "changed" : "set"}; remove it from the request.`,
      { field: `${at}${key}` },
    );
  }
}

/** A reference compares by its path: the host and a `#name` suffix may differ. */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return refPath(a) === refPath(b);
  return isDeepStrictEqual(a, b);
}

function refPath(value: string): string {
  if (!value.includes("/api/")) return value;
  try {
    return new URL(value, "https://reference.invalid").pathname;
  } catch {
    return value;
  }
}

/** The object at `body[key]` (a nested Avi message), refusing any other type. */
export function objectField(
  body: Record<string, unknown>,
  key: string,
  at = "",
): Record<string, unknown> | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new AppError("VALIDATION", `"${at}${key}" must be an object.`, { field: `${at}${key}` });
  }
  return value as Record<string, unknown>;
}

export function arrayField(body: Record<string, unknown>, key: string, at = ""): unknown[] | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) {
    throw new AppError("VALIDATION", `"${at}${key}" must be a list.`, { field: `${at}${key}` });
  }
  return value;
}

export function stringField(body: Record<string, unknown>, key: string, at = ""): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    throw new AppError("VALIDATION", `"${at}${key}" must be a string.`, { field: `${at}${key}` });
  }
  return value;
}

export function enumField<T extends string>(
  body: Record<string, unknown>,
  key: string,
  allowed: readonly T[],
  at = "",
): T | undefined {
  const value = stringField(body, key, at);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AppError(
      "VALIDATION",
      `"${at}${key}" is ${value}; HSM Console supports ${allowed.join(", ")}.`,
      { field: `${at}${key}` },
    );
  }
  return value as T;
}
