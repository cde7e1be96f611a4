import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENV_FIELDS } from "./env";

/**
 * The README's table of environment variables against server/config/env.ts: every variable of the
 * schema is in the table and every row is in the schema, with the same default.
 */
const README = fs.readFileSync(path.join(import.meta.dirname, "..", "..", "README.md"), "utf8");

/** Defaults the schema cannot hold because they are computed at start (the README says from what). */
const DERIVED: Record<string, string> = {
  HSM_CONSOLE_MASTER_KEY: "`<data>/master.key`",
  HSM_CONSOLE_NODE_NAME: "host name",
};

function readmeRows(): Map<string, string> {
  const section = README.split(/^## Configuration$/m)[1]!.split(/^## /m)[0]!;
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    if (!line.startsWith("| `")) continue;
    const [names, defaultCell] = line
      .split("|")
      .slice(1, 3)
      .map((c) => c.trim());
    for (const [, name] of names!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) rows.set(name!, defaultCell!);
  }
  return rows;
}

/** What the schema gives for an unset variable, written as the README writes it. */
function schemaDefault(name: string): string {
  if (DERIVED[name]) return DERIVED[name]!;
  const parsed = (
    ENV_FIELDS as Record<string, { safeParse(v: unknown): { success: boolean; data?: unknown } }>
  )[name]!.safeParse(undefined);
  expect(parsed.success, `${name} must have a default or be optional`).toBe(true);
  const value = parsed.data;
  return value === undefined || value === "" || value === false ? "unset" : `\`${String(value)}\``;
}

describe("README's configuration table and server/config/env.ts", () => {
  const rows = readmeRows();
  const names = Object.keys(ENV_FIELDS);

  it("lists every variable of the schema, and only those", () => {
    expect([...rows.keys()].sort()).toEqual([...names].sort());
  });

  it.each(names)("%s has the schema's default", (name) => {
    expect(rows.get(name)).toBe(schemaDefault(name));
  });
});
