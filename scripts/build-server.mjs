// Compiles the console's Node entries (outside Next's own build) to JavaScript with esbuild, so
// that the start command, every PKCS#11 worker and the CLI run plain `node` instead of tsx.
// Output: build/ (git-ignored), one CommonJS file per entry. Dependencies stay external (native
// addons, Next, the database drivers are loaded from node_modules as they are); the `@/` alias is
// resolved from tsconfig.json. Run by scripts/lib/build.sh when a source changed.
// Usage: node scripts/build-server.mjs [outdir]   (default build/; inside the project, so that
// the external packages resolve from its node_modules)
import path from "node:path";
import { build } from "esbuild";

const root = path.resolve(import.meta.dirname, "..");
const outdir = process.argv[2] ?? "build";

/** Output names are read elsewhere: scripts/launch.ts, server/pkcs11/worker-command.ts, bin/hsm-console. */
const entries = [
  { in: "scripts/launch.ts", out: "launch" },
  { in: "scripts/serve.ts", out: "serve" },
  { in: "server/pkcs11/worker/entry.ts", out: "pkcs11-worker" },
  { in: "bin/cli/main.ts", out: "cli" },
];

/** `server-only` throws outside Next's server bundles; these entries are server code run by Node. */
const serverOnly = {
  name: "server-only",
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

const result = await build({
  absWorkingDir: root,
  entryPoints: entries,
  outdir,
  outExtension: { ".js": ".cjs" },
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  tsconfig: "tsconfig.json",
  plugins: [serverOnly],
  logLevel: "warning",
  metafile: true,
});
const inputs = Object.keys(result.metafile.inputs).length;
console.log(`[build] esbuild: ${entries.length} entries from ${inputs} sources into ${outdir}/`);
