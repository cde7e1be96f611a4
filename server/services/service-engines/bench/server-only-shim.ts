import Module from "node:module";
import path from "node:path";

/**
 * Benchmarks run server code under plain tsx, where the "server-only" package throws (it exists to
 * keep server files out of browser bundles). Resolve it to the empty stub the test runner uses.
 */
const loader = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
const resolve = loader._resolveFilename;
const STUB = path.resolve(__dirname, "../../../testing/server-only-stub.ts");
loader._resolveFilename = function (this: unknown, request: string, ...rest: unknown[]) {
  return resolve.call(this, request === "server-only" ? STUB : request, ...rest);
};
