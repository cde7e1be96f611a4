// @ts-check
/**
 * Security headers for every response; the CSP allows Next's inline bootstrap scripts. One list,
 * also sent by the console's own listener for the routes it serves ahead of Next (web-bridge.ts).
 */
const securityHeaders = require("./server/http/security-headers.json");

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native addons and the WASM database must be loaded by Node, not bundled.
  // pino and prom-client: loaded by Node so that Next's server and scripts/serve.ts share one copy.
  serverExternalPackages: ["pkcs11js", "@electric-sql/pglite", "@node-rs/argon2", "pg", "pino", "prom-client"],
  poweredByHeader: false,
  typedRoutes: false,
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

module.exports = nextConfig;
