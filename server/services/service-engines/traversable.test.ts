import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { untraversableAncestor } from "./traversable";

describe("untraversableAncestor", () => {
  it("names the parent others cannot enter, and nothing once it is opened", () => {
    const outer = fs.mkdtempSync(path.join(os.tmpdir(), "trav-"));
    try {
      fs.chmodSync(outer, 0o700);
      const data = path.join(outer, "data");
      fs.mkdirSync(data);
      expect(untraversableAncestor(data)).toBe(outer);
      fs.chmodSync(outer, 0o711);
      expect(untraversableAncestor(data)).toBeNull();
    } finally {
      fs.rmSync(outer, { recursive: true, force: true });
    }
  });
});
