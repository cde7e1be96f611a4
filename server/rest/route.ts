import { RESOURCES, type RestResource } from "./resources";

export interface RestRoute {
  name: string;
  resource: RestResource;
  id: string | null;
  action: string | null;
}

/** `["user", "<uuid>"]` (after /api/) → the user resource and the id; null when none matches. */
export function matchRoute(
  segments: string[],
  table: Record<string, RestResource> = RESOURCES,
): RestRoute | null {
  const path = segments.join("/");
  // Longest names first, so that "fileservice/hsmpackages" wins over a shorter "fileservice".
  const names = Object.keys(table).sort((a, b) => b.length - a.length);
  for (const name of names) {
    if (path !== name && !path.startsWith(`${name}/`)) continue;
    const rest = path
      .slice(name.length + 1)
      .split("/")
      .filter(Boolean);
    if (rest.length > 2) return null;
    return {
      name,
      resource: table[name]!,
      id: rest[0] ?? null,
      action: rest[1] ?? null,
    };
  }
  return null;
}
