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

/** The first line of a failure, so a CI log that keeps only its tail still says what broke. */
const firstLine = (messages) => String(messages?.[0] ?? "").split("\n").find((l) => l.trim()) ?? "";
const failedNames = [];
const flakyNames = [];

const vitest = read("vitest.json");
for (const file of vitest?.testResults ?? []) {
  const where = path.relative(process.cwd(), file.name);
  if (file.status === "failed" && !(file.assertionResults ?? []).some((a) => a.status === "failed"))
    failedNames.push(`${where}: ${firstLine([file.message])}`);
  for (const test of file.assertionResults ?? []) {
    const line = `${where} › ${test.fullName}: ${firstLine(test.failureMessages)}`;
    if (test.status === "failed") failedNames.push(line);
    // Passed on its retry (vitest.config.mts): the first failure is kept in failureMessages.
    else if (test.status === "passed" && test.failureMessages?.length) flakyNames.push(line);
  }
}
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
unexplained("vitest", exitCode("vitest.rc"), vitest?.numFailedTests ?? 0);

const e2e = read("e2e.json");
const walk = (suite, titles) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status !== "unexpected" && test.status !== "flaky") continue;
      const error = test.results?.find((r) => r.error)?.error?.message;
      const line = `${spec.file}:${spec.line} › ${[...titles, spec.title].join(" › ")}: ${firstLine([error])}`;
      (test.status === "flaky" ? flakyNames : failedNames).push(line);
    }
  }
  for (const child of suite.suites ?? []) walk(child, suite.title && !suite.title.endsWith(".ts") ? [...titles, suite.title] : titles);
};
for (const suite of e2e?.suites ?? []) walk(suite, []);
if (e2e?.stats) {
  passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
unexplained("e2e", exitCode("e2e.rc"), e2e?.stats?.unexpected ?? 0);

for (const name of flakyNames) console.log(`flaky (failed once, passed on retry): ${name.slice(0, 400)}`);
for (const name of failedNames) console.log(`failed: ${name.slice(0, 400)}`);
const extras = [skipped ? `${skipped} skipped` : "", flakyNames.length ? `${flakyNames.length} flaky` : ""].filter(Boolean);
console.log(`${passed} passed, ${failed} failed${extras.map((e) => `, ${e}`).join("")}`);
process.exit(failed > 0 ? 1 : 0);
