/**
 * @module Prints one closing line for CI, `tests: N passed, N failed, N skipped`, summed over the vitest
 * JSON reports in test-output/ (worker, node and reliability suites), so a reader of the CI log sees the
 * total without adding up three runners' summaries. Exits non-zero when a report is missing or any test
 * failed or none ran.
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests?: number;
}

const root = path.resolve(import.meta.dirname, "..");
const suites = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
let missing = 0;
for (const suite of suites) {
  const file = path.join(root, "test-output", `vitest-${suite}.json`);
  try {
    const report = JSON.parse(readFileSync(file, "utf8")) as VitestJsonReport;
    passed += report.numPassedTests;
    failed += report.numFailedTests;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } catch {
    process.stderr.write(`no test report for the ${suite} suite at ${file}\n`);
    missing++;
  }
}
process.stdout.write(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
process.exit(failed > 0 || missing > 0 || passed === 0 ? 1 : 0);
