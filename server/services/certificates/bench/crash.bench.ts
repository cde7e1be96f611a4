/**
 * crash_rounds, crash_rounds_clean: certificate creations killed (SIGKILL to the creating process
 * and its PKCS#11 workers) at every kill point of KILL_POINTS (before the row, after it, inside the
 * token call, after the pair, during replication to the second member of an HA group), each
 * followed by a restart on the same data folder and tokens and the reconciler just past the
 * creation deadline. A round is clean when the row is resolved as expected, no row is left "creating",
 * no console object in any member lacks a live certificate, and a new key works on the group.
 * BENCH_CRASH_PASSES (default 1) repeats the whole list. Goal: crash_rounds_clean = crash_rounds.
 * Run from the project root: node --import tsx server/services/certificates/bench/crash.bench.ts
 */
import { crashRound, KILL_POINTS, prepareCrashConsole } from "../testing/crash-round";

async function main(): Promise<void> {
  process.env.HSM_CONSOLE_ORPHAN_GRACE_SECONDS = "1";
  const passes = Math.max(1, Number(process.env.BENCH_CRASH_PASSES) || 1);
  const console_ = await prepareCrashConsole();
  let rounds = 0;
  let clean = 0;
  try {
    for (let pass = 0; pass < passes; pass++) {
      for (const kp of KILL_POINTS) {
        const result = await crashRound(console_, kp, rounds);
        rounds++;
        if (result.clean) clean++;
        else
          console.error(
            `# unclean round at ${kp.point} (${kp.kind}, ${kp.group}): ${JSON.stringify(result)}`,
          );
      }
    }
  } finally {
    await console_.cleanup();
  }
  console.log(`crash_rounds: ${rounds}`);
  console.log(`crash_rounds_clean: ${clean}`);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
