/** Tables in the style of the Avi shell: +---+ borders, one row per object or field. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = `+${widths.map((w) => "-".repeat(w + 2)).join("+")}+`;
  const row = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line, row(headers), line, ...rows.map(row), line].join("\n");
}

/** A list of objects with the given columns. */
export function listTable(items: unknown[], columns: string[]): string {
  return table(
    columns,
    items.map((item) => columns.map((c) => cell((item as Record<string, unknown>)[c]))),
  );
}

/** One object as Field | Value rows; nested values are flattened to dotted names. */
export function detailTable(item: Record<string, unknown>): string {
  return table(
    ["Field", "Value"],
    flatten(item).map(([k, v]) => [k, cell(v)]),
  );
}

function flatten(value: Record<string, unknown>, prefix = ""): [string, unknown][] {
  return Object.entries(value).flatMap(([key, v]) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? flatten(v as Record<string, unknown>, `${prefix}${key}.`)
      : [[`${prefix}${key}`, v] as [string, unknown]],
  );
}

export function cell(value: unknown): string {
  if (value === null || value === undefined) return "-";
  // A list of named objects (the SEs a cluster node hosts): their names.
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v?.name === "string"))
    return value.map((v) => v.name).join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
