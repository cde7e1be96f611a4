/**
 * Test helper run as a separate process: starts an SE from a JSON spec (argv[2]), prints its
 * nginx and p11-kit pids, then waits to be killed — a console that dies and leaves its detached
 * SE processes behind.
 */
import { ServiceEngine } from "../service-engine";
import type { ServiceEngineSpec } from "../types";

const spec = JSON.parse(process.argv[2] ?? "{}") as ServiceEngineSpec;
const se = new ServiceEngine(spec, { health: false });
se.start().then(
  (status) => {
    console.log(JSON.stringify({ nginx: status.pid, hsm: se.hsmServerPid() }));
    setInterval(() => {}, 60_000);
  },
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
