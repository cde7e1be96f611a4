import { describe, expect, it } from "vitest";
import type { RestResource } from "./resources";
import { matchRoute } from "./route";

const table: Record<string, RestResource> = {
  fileservice: { summary: "", nameField: "name", columns: [] },
  "fileservice/hsmpackages": { summary: "", nameField: "name", columns: [] },
  user: { summary: "", nameField: "username", columns: [] },
};

describe("REST paths map onto the resource table", () => {
  it.each([
    [["user"], { name: "user", id: null, action: null }],
    [["user", "u-1"], { name: "user", id: "u-1", action: null }],
    [["user", "u-1", "renew"], { name: "user", id: "u-1", action: "renew" }],
    [["fileservice", "hsmpackages"], { name: "fileservice/hsmpackages", id: null, action: null }],
    [["fileservice", "hsmpackages", "p-1"], { name: "fileservice/hsmpackages", id: "p-1", action: null }],
    [["fileservice", "other"], { name: "fileservice", id: "other", action: null }],
  ])("%j", (segments, expected) => {
    expect(matchRoute(segments, table)).toMatchObject(expected);
  });

  it.each([[["users"]], [["user", "a", "b", "c"]], [["userx"]], [[]]])("%j matches nothing", (segments) => {
    expect(matchRoute(segments, table)).toBeNull();
  });
});
