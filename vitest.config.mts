import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // "server-only" throws outside Next's server bundle; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "server/testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["server/**/*.test.ts", "lib/**/*.test.ts", "lab/**/*.test.ts", "bin/**/*.test.ts"],
    environment: "node",
    pool: "forks",
    // Two cores: files run two at a time; HSM and database tests are I/O bound.
    maxWorkers: 2,
    testTimeout: 60_000,
    // A test that fails once and then passes is reported by name as flaky in the closing summary
    // (scripts/lib/summary.mjs), never hidden; one that fails twice fails the run.
    retry: 1,
    hookTimeout: 120_000,
  },
});
