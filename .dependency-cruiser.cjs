// The layer rules of DESIGN.md §3, checked by `npm test` (scripts/test.sh, first stage) with
// dependency-cruiser: `npx depcruise app components lib server bin lab scripts`.
// Layer rules hold for the code that ships; tests and benches are checked for cycles only (a test
// may reach across layers to set up what it checks).

/** Test and bench files, and test support. */
const TESTS = "(\\.test\\.tsx?$|/bench/|/testing/|^e2e/)";

/** What pages and route handlers may import from server/: the edge modules (request handlers, guards, session). */
const SERVER_EDGES = [
  "^server/http/",
  "^server/trpc/handler\\.ts$",
  "^server/rest/handler\\.ts$",
  "^server/rest/openapi\\.ts$",
  "^server/auth/current-user\\.ts$",
];

/** The one type the browser code needs from the server: the tRPC router's type (erased at build). */
const ROUTER_TYPE = "^server/trpc/router\\.ts$";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      comment:
        "Two files that import each other (directly or around a loop): move the shared part into its own file or merge them.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
    {
      name: "app-only-server-edges",
      comment:
        "app/ imports from server/ only its edges (server/http, the tRPC and REST handlers, the session); everything else goes through them.",
      severity: "error",
      from: { path: "^app/", pathNot: TESTS },
      to: { path: "^server/", pathNot: [...SERVER_EDGES, ROUTER_TYPE] },
    },
    {
      name: "browser-code-no-server",
      comment:
        "components/ and lib/ run in the browser: from server/ only `import type { AppRouter }` (server/trpc/router.ts).",
      severity: "error",
      from: { path: "^(components|lib)/", pathNot: TESTS },
      to: { path: "^server/", pathNot: ROUTER_TYPE },
    },
    {
      name: "router-type-only",
      comment: "server/trpc/router.ts may be imported by browser code as a type only (`import type`).",
      severity: "error",
      from: { path: "^(app|components|lib)/", pathNot: TESTS },
      to: { path: ROUTER_TYPE, dependencyTypesNot: ["type-only"] },
    },
    {
      name: "services-no-trpc-or-react",
      comment:
        "A service never imports tRPC (server/trpc, @trpc) or React: procedures call services, not the other way.",
      severity: "error",
      from: { path: "^server/services/", pathNot: TESTS },
      to: { path: "^(server/trpc/|node_modules/(react|react-dom|@trpc|@tanstack)/)" },
    },
    {
      name: "procedures-no-db",
      comment:
        "A procedure never queries the database: it calls a service (DESIGN.md §3). Types of the db are fine.",
      severity: "error",
      from: { path: "^server/trpc/routers/", pathNot: TESTS },
      to: { path: "^(server/db/|node_modules/drizzle-orm/)", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "pkcs11js-only-in-pkcs11-layer",
      comment:
        "Only server/pkcs11 (the console) and lab/appliance (the emulated HSM) load pkcs11js; lab/testing too, for its checks.",
      severity: "error",
      from: { pathNot: ["^server/pkcs11/", "^lab/appliance/", "^lab/testing/"] },
      to: { path: "^node_modules/pkcs11js/" },
    },
    {
      name: "pkcs11-no-services",
      comment: "server/pkcs11 is below the services: it imports no service, procedure, REST or HTTP code.",
      severity: "error",
      from: { path: "^server/pkcs11/", pathNot: TESTS },
      to: { path: "^server/(services|trpc|rest|http|dataplane)/" },
    },
    {
      name: "lab-no-console-internals",
      comment:
        "The lab emulates an HSM appliance: it never imports the console (server/), so one bug cannot pass both sides' tests.",
      severity: "error",
      from: { path: "^lab/" },
      to: { path: "^server/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(\\.next|build|data)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: {
      exportsFields: ["exports"],
      conditionNames: ["import", "require", "node", "default", "types"],
      mainFields: ["module", "main", "types", "typings"],
    },
  },
};
