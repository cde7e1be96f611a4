import { AppError } from "@/lib/errors";

/**
 * Avi's identity of an object: `uuid` is `<kind>-<uuid>` (e.g. `hardwaresecuritymodulegroup-…`),
 * `url` is `<scheme://host>/api/<kind>/<uuid>`, and a reference (`*_ref`) is such a URL, with
 * `#<name>` appended when the caller asked for `include_name`.
 */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function aviUuid(kind: string, id: string): string {
  return `${kind}-${id}`;
}

/** The console's id from an Avi uuid (`kind-<uuid>`) or a bare uuid; null when neither. */
export function consoleId(kind: string, value: string): string | null {
  const bare = value.startsWith(`${kind}-`) ? value.slice(kind.length + 1) : value;
  return UUID.test(bare) ? bare.toLowerCase() : null;
}

/** How answers write references: absolute URLs on the address the caller used. */
export interface RefStyle {
  base: string;
  includeName: boolean;
}

export function objectUrl(style: RefStyle, kind: string, id: string): string {
  return `${style.base}/api/${kind}/${aviUuid(kind, id)}`;
}

export function objectRef(style: RefStyle, kind: string, id: string, name: string): string {
  const url = objectUrl(style, kind, id);
  return style.includeName ? `${url}#${name}` : url;
}

export type RefTarget = { id: string } | { name: string };

/**
 * A reference in any of Avi's three forms: a full URL (`https://host/api/kind/<uuid>[#name]`),
 * a path (`/api/kind/<uuid>`), or a lookup by name (`/api/kind?name=<n>`). The host of a full
 * URL is not trusted for anything: only the path is read.
 */
export function parseRef(kind: string, value: unknown, field: string): RefTarget {
  if (typeof value !== "string" || !value.trim()) {
    throw new AppError("VALIDATION", `${field} must be a reference such as /api/${kind}/<uuid>.`, { field });
  }
  let url: URL;
  try {
    url = new URL(value.trim(), "https://reference.invalid");
  } catch {
    throw badRef(kind, field, value);
  }
  const segments = url.pathname.split("/").filter(Boolean);
  if (segments[0] !== "api" || segments[1] !== kind || segments.length > 3) {
    throw new AppError(
      "VALIDATION",
      `${field} must reference a ${kind} (/api/${kind}/<uuid> or /api/${kind}?name=<name>); got "${value}".`,
      { field },
    );
  }
  if (segments.length === 3) {
    const id = consoleId(kind, decodeURIComponent(segments[2]!));
    if (!id) throw badRef(kind, field, value);
    return { id };
  }
  const name = url.searchParams.get("name");
  if (!name) throw badRef(kind, field, value);
  return { name };
}

function badRef(kind: string, field: string, value: string): AppError {
  return new AppError(
    "VALIDATION",
    `${field}: "${value}" is not a ${kind} reference; use /api/${kind}/${kind}-<uuid> or /api/${kind}?name=<name>.`,
    { field },
  );
}
