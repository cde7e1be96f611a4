import { afterEach, describe, expect, it, vi } from "vitest";
import { Backoff } from "./backoff";

describe("Backoff", () => {
  afterEach(() => vi.useRealTimers());

  it("doubles up to the cap while the SE keeps breaking, and starts over after a stable run", () => {
    vi.useFakeTimers();
    const b = new Backoff(100, 500, 30_000);
    b.up();
    expect([b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 500, 500]);
    b.up();
    vi.advanceTimersByTime(1000); // broke again soon: keeps growing
    expect(b.next()).toBe(500);
    b.up();
    vi.advanceTimersByTime(31_000); // a long good run
    expect(b.next()).toBe(100);
  });
});
