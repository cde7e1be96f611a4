// Reads the stage results and the runners' JSON reports; prints "N passed, N failed[, N skipped]".
import fs from "node:fs";

const [checksFile, vitestJson, e2eJson] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;

for (const line of fs.readFileSync(checksFile, "utf8").split("\n").filter(Boolean)) {
  if (line.endsWith(" ok")) passed++;
  else failed++;
}
const read = (file) => {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return null;
  }
};
const vitest = read(vitestJson);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
  skipped += vitest.numPendingTests + (vitest.numTodoTests ?? 0);
}
const e2e = read(e2eJson);
if (e2e?.stats) {
  passed += e2e.stats.expected + (e2e.stats.flaky ?? 0);
  failed += e2e.stats.unexpected;
  skipped += e2e.stats.skipped;
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed > 0 ? 1 : 0);
