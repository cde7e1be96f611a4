import { RESOURCES, type RestResource } from "./resources";

export interface RestRoute {
  name: string;
  resource: RestResource;
  id: string | null;
  action: string | null;
}

/** Longest names first, so that "fileservice/hsmpackages" wins over a shorter "fileservice". */
const NAMES = Object.keys(RESOURCES).sort((a, b) => b.length - a.length);

/** `["user", "<uuid>"]` (after /api/) → the user resource and the id; null when none matches. */
export function matchRoute(segments: string[]): RestRoute | null {
  const path = segments.join("/");
  for (const name of NAMES) {
    if (path !== name && !path.startsWith(`${name}/`)) continue;
    const rest = path
      .slice(name.length + 1)
      .split("/")
      .filter(Boolean);
    if (rest.length > 2) return null;
    return {
      name,
      resource: (RESOURCES as Record<string, RestResource>)[name]!,
      id: rest[0] ?? null,
      action: rest[1] ?? null,
    };
  }
  return null;
}
