import os from "node:os";
import path from "node:path";
import { defineConfig } from "@playwright/test";

/** The e2e server runs on its own port and data folder (set by scripts/test.sh, or a default). */
export const E2E_PORT = Number(process.env.E2E_PORT ?? 3100);
export const E2E_DATA = process.env.E2E_DATA ?? path.join(os.tmpdir(), "hsm-console-e2e-data");
export const ADMIN_STATE = path.join(E2E_DATA, "..", "hsm-console-e2e-admin.json");

export default defineConfig({
  testDir: "./e2e",
  fullyParallel: false,
  workers: 1,
  // As in vitest: a spec that passes only on its second try is named as flaky in the summary.
  retries: 1,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.E2E_JSON ?? "test-results/e2e.json" }]],
  use: {
    baseURL: `https://localhost:${E2E_PORT}`,
    // The console serves HTTPS with its own self-signed certificate (made on first start).
    ignoreHTTPSErrors: true,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  projects: [
    { name: "first-start", testMatch: /first-start\.spec\.ts/ },
    {
      name: "console",
      testIgnore: /first-start\.spec\.ts/,
      dependencies: ["first-start"],
      use: { storageState: ADMIN_STATE },
    },
  ],
  webServer: {
    // Started the way a user starts it.
    command: "bash scripts/start.sh",
    // Ready = database, migrations and service engines up (server/http/health.ts), not just a page.
    url: `https://localhost:${E2E_PORT}/readyz`,
    ignoreHTTPSErrors: true,
    reuseExistingServer: false,
    // SIGTERM first (default is SIGKILL): the console stops its service engines (nginx, p11-kit
    // servers run in their own process groups) instead of leaving them bound to the VIPs.
    gracefulShutdown: { signal: "SIGTERM", timeout: 10_000 },
    timeout: 240_000,
    stdout: "pipe",
    env: {
      ...process.env,
      HSM_CONSOLE_DATA: E2E_DATA,
      PORT: String(E2E_PORT),
      LAB_APPLIANCES: process.env.LAB_APPLIANCES ?? "0",
    } as Record<string, string>,
  },
});
