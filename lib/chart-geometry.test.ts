import { describe, expect, it } from "vitest";
import { chartGeometry, niceCeiling } from "./chart-geometry";

describe("chart geometry (the HSM health page's inline SVG)", () => {
  it("rounds the y axis up to 1, 2 or 5 times a power of ten", () => {
    expect([0, 0.3, 1, 1.2, 3, 7, 10, 11, 420].map(niceCeiling)).toEqual([1, 0.5, 1, 2, 5, 10, 10, 20, 500]);
  });

  it("draws values left to right, 0 at the bottom, and leaves gaps where nothing was measured", () => {
    const g = chartGeometry([0, 5, null, 10, 2.5], 400, 100);
    expect(g.yMax).toBe(10);
    expect(g.count).toBe(4);
    expect(g.path).toBe("M0 100 L100 50 M300 0 L400 75");
  });

  it("draws nothing for a series without data", () => {
    expect(chartGeometry([null, null], 100, 50)).toEqual({ path: "", yMax: 1, count: 0 });
  });
});
