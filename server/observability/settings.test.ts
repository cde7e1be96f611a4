import { afterEach, describe, expect, it } from "vitest";
import { env } from "@/server/config/env";
import { metricsVerdict } from "./metrics-access";

const SET = [
  "HSM_CONSOLE_LOG_LEVEL",
  "HSM_CONSOLE_METRICS_TOKEN",
  "HSM_CONSOLE_METRICS_ALLOW",
  "HSM_CONSOLE_SE_LOG_MAX_BYTES",
  "HSM_CONSOLE_SE_LOG_KEEP",
];
const saved = Object.fromEntries(SET.map((name) => [name, process.env[name]]));

afterEach(() => {
  for (const name of SET) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});

describe("the observability settings (validated in server/config/env.ts)", () => {
  it.each([
    ["HSM_CONSOLE_LOG_LEVEL", "verbose"],
    ["HSM_CONSOLE_METRICS_TOKEN", "short-token"],
    ["HSM_CONSOLE_METRICS_ALLOW", "everyone"],
    ["HSM_CONSOLE_SE_LOG_MAX_BYTES", "100"],
    ["HSM_CONSOLE_SE_LOG_KEEP", "0"],
  ])("a wrong %s (%s) is refused, naming the variable", (name, value) => {
    process.env[name] = value;
    expect(() => env()).toThrow(new RegExp(`Invalid environment:[\\s\\S]*${name}`));
  });

  it("defaults: info logs, SE logs rotated at 50 MiB keeping 5, metrics closed to everyone", () => {
    for (const name of SET) delete process.env[name];
    expect(env()).toMatchObject({
      HSM_CONSOLE_LOG_LEVEL: "info",
      HSM_CONSOLE_SE_LOG_MAX_BYTES: 50 * 1024 * 1024,
      HSM_CONSOLE_SE_LOG_KEEP: 5,
    });
    expect(metricsVerdict("Bearer anything-at-all-long-enough-000", "127.0.0.1")).toBe("not-configured");
  });

  it("the allow-list takes single addresses and networks, IPv4 and IPv6", () => {
    process.env.HSM_CONSOLE_METRICS_ALLOW = "127.0.160.5, 10.0.0.0/8,fd00::/8";
    expect(metricsVerdict(null, "127.0.160.5")).toBe("allowed");
    expect(metricsVerdict(null, "127.0.160.6")).toBe("forbidden");
    expect(metricsVerdict(null, "10.20.30.40")).toBe("allowed");
    expect(metricsVerdict(null, "fd00::1")).toBe("allowed");
    expect(metricsVerdict(null, null)).toBe("forbidden");
  });
});
