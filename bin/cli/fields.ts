import { usage } from "./errors";
import type { Session } from "./session";

/** What `configure` may set on a resource, read from the console's own OpenAPI document. */
export interface FieldSpec {
  type: string;
  enum?: string[];
}

interface OpenApiDoc {
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }> };
}

export async function configurableFields(
  session: Session,
  name: string,
  creating: boolean,
): Promise<Record<string, FieldSpec>> {
  const doc = await session.cached("openapi", () => session.client().get<OpenApiDoc>("/api/openapi.json"));
  const schema = doc.components.schemas[`${name}.${creating ? "create" : "update"}`];
  const fields: Record<string, FieldSpec> = {};
  for (const [key, prop] of Object.entries(schema?.properties ?? {})) {
    fields[key] = {
      type: typeof prop.type === "string" ? prop.type : "string",
      ...(Array.isArray(prop.enum) ? { enum: prop.enum.map(String) } : {}),
    };
  }
  return fields;
}

/** A typed value from a word: booleans, numbers, enums checked before the console sees them. */
export function parseValue(field: string, spec: FieldSpec, raw: string | undefined): unknown {
  if (spec.type === "boolean") {
    if (raw === undefined || raw === "true" || raw === "yes") return true;
    if (raw === "false" || raw === "no") return false;
    throw usage(`${field} takes true or false.`);
  }
  if (raw === undefined) throw usage(`${field} needs a value.`);
  if (spec.type === "integer" || spec.type === "number") {
    const n = Number(raw);
    if (!Number.isFinite(n)) throw usage(`${field} takes a number.`);
    return n;
  }
  if (spec.enum && !spec.enum.includes(raw)) throw usage(`${field} is one of: ${spec.enum.join(", ")}.`);
  return raw;
}

/** Secret fields are masked in `show` and kept out of the shell history. */
export function isSecretField(field: string): boolean {
  return /pass(word|wd|phrase)|secret|private_?key|pin/i.test(field);
}
