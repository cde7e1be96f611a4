// Reads the stage results and the runners' JSON reports and exit codes; prints
// "N passed, N failed[, N skipped]" and exits non-zero on any failure. A runner that failed
// without a failing test in its report (a file that did not load, a server that did not start)
// still counts as one failure.
import fs from "node:fs";
import path from "node:path";

const [checksFile, resultsDir] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const line of fs.readFileSync(checksFile, "utf8").split("\n").filter(Boolean)) {
  if (line.endsWith(" ok")) passed++;
  else failed++;
}
const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(path.join(resultsDir, file), "utf8"));
  } catch {
    return null;
  }
};
const exitCode = (file) => {
  try {
    return Number(fs.readFileSync(path.join(resultsDir, file), "utf8").trim());
  } catch {
    return 1;
  }
};
const unexplained = (name, rc, failedInReport) => {
  if (rc !== 0 && failedInReport === 0) {
    console.log(
      `failed stage: ${name} exited ${rc} without a failing test in its report (see its output above)`,
    );
    failed++;
  }
};

const vitest = read("vitest.json");
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
unexplained("vitest", exitCode("vitest.rc"), vitest?.numFailedTests ?? 0);

const e2e = read("e2e.json");
if (e2e?.stats) {
  passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
unexplained("e2e", exitCode("e2e.rc"), e2e?.stats?.unexpected ?? 0);

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
