import { RESOURCES, type RestResource } from "../../server/rest/resources";
import { CliError, usage } from "./errors";
import type { Session } from "./session";

/** The same table as the REST API: a resource added there is usable in the CLI at once. */
export function resource(name: string | undefined): { name: string; r: RestResource } {
  const table = RESOURCES as Record<string, RestResource>;
  if (!name) throw usage(`Name a resource: ${Object.keys(table).join(", ")}.`);
  const r = table[name];
  if (!r) throw usage(`Unknown resource "${name}". Known: ${Object.keys(table).join(", ")}.`);
  return { name, r };
}

export function resourceNames(): string[] {
  return Object.keys(RESOURCES);
}

interface ListResponse {
  count: number;
  results: Record<string, unknown>[];
}

export async function list(session: Session, name: string, lookup?: string): Promise<ListResponse> {
  const query = lookup === undefined ? "" : `?name=${encodeURIComponent(lookup)}`;
  return session.client().get<ListResponse>(`/api/${name}${query}`);
}

/** The object called `objectName`, or null. */
export async function findByName(session: Session, name: string, objectName: string) {
  const { results } = await list(session, name, objectName);
  return results[0] ?? null;
}

export async function requireByName(session: Session, name: string, objectName: string) {
  const found = await findByName(session, name, objectName);
  if (!found) throw new CliError(`There is no ${name} named "${objectName}".`, 1, "NOT_FOUND");
  return found;
}

/** Names of existing objects, for completion; silent when the console is unreachable. */
export async function objectNames(session: Session, name: string): Promise<string[]> {
  const r = (RESOURCES as Record<string, RestResource>)[name];
  if (!r?.list) return [];
  try {
    const { results } = await list(session, name);
    return results.map((o) => String(o[r.nameField] ?? "")).filter(Boolean);
  } catch {
    return [];
  }
}
