type Schema = Record<string, unknown>;

/** Follows a local $ref into the document's components. */
export function resolve(schema: Schema | undefined, doc: Schema): Schema {
  const ref = schema?.$ref;
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema ?? {};
  let target: unknown = doc;
  for (const part of ref.slice(2).split("/")) target = (target as Schema | undefined)?.[part];
  return (target as Schema | undefined) ?? {};
}

/** A short type description: "string (date-time)", "admin | operator", "array of object". */
export function typeOf(schema: Schema, doc: Schema): string {
  const s = resolve(schema, doc);
  if (Array.isArray(s.enum)) return s.enum.map(String).join(" | ");
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.anyOf)) return s.anyOf.map((x) => typeOf(x as Schema, doc)).join(" or ");
  if (s.type === "array") return `array of ${typeOf((s.items as Schema) ?? {}, doc)}`;
  const type = Array.isArray(s.type) ? s.type.join(" | ") : String(s.type ?? "any");
  const limits = [
    s.format ? String(s.format) : null,
    s.minLength !== undefined ? `min length ${s.minLength}` : null,
    s.maxLength !== undefined ? `max length ${s.maxLength}` : null,
    s.minimum !== undefined ? `≥ ${s.minimum}` : null,
    s.maximum !== undefined ? `≤ ${s.maximum}` : null,
  ].filter(Boolean);
  return limits.length ? `${type} (${limits.join(", ")})` : type;
}

/** The fields of an object schema (or of a list's items) as a small table. */
export function SchemaView({
  schema,
  doc,
  label,
}: {
  schema: Schema | undefined;
  doc: Schema;
  label: string;
}) {
  let s = resolve(schema, doc);
  let prefix = "";
  if (s.type === "object" && (s.properties as Schema | undefined)?.results) {
    s = resolve(((s.properties as Schema).results as Schema).items as Schema, doc);
    prefix = "results[]: ";
  }
  const properties = (s.properties ?? {}) as Record<string, Schema>;
  const required = new Set((s.required ?? []) as string[]);
  if (!Object.keys(properties).length) return <p className="hint">{`${label}: ${typeOf(s, doc)}`}</p>;
  return (
    <table aria-label={label} className="schema">
      <caption>{`${label}${prefix ? ` (${prefix.replace(": ", "")})` : ""}`}</caption>
      <tbody>
        {Object.entries(properties).map(([name, prop]) => (
          <tr key={name}>
            <td>
              <code>{name}</code>
              {required.has(name) ? " *" : ""}
            </td>
            <td>{typeOf(prop, doc)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
