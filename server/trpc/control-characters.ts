import "server-only";
import { AppError } from "@/lib/errors";
import { firstControlCharacter, MULTI_LINE_FIELDS } from "@/lib/control-chars";
import { toTrpcError } from "./errors";
import { t } from "./t";

/**
 * One place for every procedure (tRPC and the REST API built on it): no text field carries a
 * control character (NUL included); multi-line fields may hold line breaks and tabs only. The
 * refusal names the field and, being thrown inside the audit middleware, is audited.
 */
export const refuseControlCharacters = t.middleware(async ({ getRawInput, next }) => {
  const raw = await getRawInput().catch(() => undefined);
  const found = findControl(raw, []);
  if (found) {
    throw toTrpcError(
      new AppError(
        "VALIDATION",
        `Remove the control character (${found.char}) from this field: ${found.multiLine ? "only line breaks and tabs are allowed" : "text fields take printable characters only"}.`,
        { field: found.path.join(".") || "input" },
      ),
    );
  }
  return next();
});

interface Found {
  path: (string | number)[];
  char: string;
  multiLine: boolean;
}

function findControl(value: unknown, path: (string | number)[], depth = 0): Found | null {
  if (depth > 16) return null;
  if (typeof value === "string") {
    const key = path.at(-1);
    const multiLine = typeof key === "string" && MULTI_LINE_FIELDS.has(key);
    const char = firstControlCharacter(value, multiLine);
    return char ? { path, char, multiLine } : null;
  }
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const found = findControl(item, [...path, i], depth + 1);
      if (found) return found;
    }
    return null;
  }
  if (value && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (firstControlCharacter(key))
        return { path: [...path, "(name)"], char: firstControlCharacter(key)!, multiLine: false };
      const found = findControl(item, [...path, key], depth + 1);
      if (found) return found;
    }
  }
  return null;
}
