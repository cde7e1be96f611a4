import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { metricsRoute } from "@/server/observability/metrics-route";
import { handleRestRequest } from "@/server/rest/handler";
import { healthz, readyz } from "./health";
import { handlePackageUpload } from "./package-upload";
import { consoleWebRoute, NEXT_API_PREFIXES } from "./web-routes";

describe("which requests the console's listener serves ahead of Next", () => {
  it("serves REST and the package upload itself, leaves pages, tRPC and Next's own API routes to Next", () => {
    expect(consoleWebRoute("GET", "/api/user")).toBe(handleRestRequest);
    expect(consoleWebRoute("DELETE", "/api/sslkeyandcertificate/abc")).toBe(handleRestRequest);
    expect(consoleWebRoute("POST", "/api/fileservice/hsmpackages")).toBe(handlePackageUpload);
    expect(consoleWebRoute("GET", "/api/fileservice/hsmpackages")).toBeUndefined();
    expect(consoleWebRoute("POST", "/api/trpc/users.create")).toBeUndefined();
    expect(consoleWebRoute("GET", "/api/openapi.json")).toBeUndefined();
    expect(consoleWebRoute("GET", "/api/hsm-groups/g/clients/c/pem")).toBeUndefined();
    expect(consoleWebRoute("GET", "/login")).toBeUndefined();
    expect(consoleWebRoute("GET", "/readyz")).toBe(readyz);
    expect(consoleWebRoute("HEAD", "/healthz")).toBe(healthz);
    expect(consoleWebRoute("POST", "/healthz")).toBeUndefined();
    expect(consoleWebRoute("GET", "/metrics")).toBe(metricsRoute);
    expect(consoleWebRoute("GET", "/apiary")).toBeUndefined();
  });

  it("knows every route Next has under app/api besides the REST catch-all", () => {
    const apiDir = path.resolve(import.meta.dirname, "../../app/api");
    const own = fs
      .readdirSync(apiDir)
      .filter((name) => name !== "[...path]")
      .map((name) => `/api/${name}`);
    const covered = (route: string) => NEXT_API_PREFIXES.some((prefix) => `${route}/`.startsWith(prefix) || prefix === route);
    expect(own.filter((route) => !covered(route))).toEqual([]);
    // No stale prefix either: each names a folder of app/api.
    expect(NEXT_API_PREFIXES.map((p) => p.split("/")[2]).sort()).toEqual(own.map((r) => r.split("/")[2]).sort());
  });
});
