#!/usr/bin/env node
// Adds up the jest and Playwright JSON results into one closing line,
// "N passed, N failed, N skipped", so a run that executed no test shows.
import { existsSync, readFileSync } from 'node:fs';

const [unitFile, ...e2eFiles] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const missing = [];

if (unitFile && existsSync(unitFile)) {
  const unit = JSON.parse(readFileSync(unitFile, 'utf8'));
  passed += unit.numPassedTests;
  failed += unit.numFailedTests + (unit.numRuntimeErrorTestSuites ?? 0);
  skipped += unit.numPendingTests + (unit.numTodoTests ?? 0);
  console.log(
    `unit and integration: ${unit.numPassedTests} passed, ${unit.numFailedTests} failed in ${unit.numTotalTestSuites} suites`,
  );
} else {
  missing.push(unitFile ?? 'unit results');
}

for (const file of e2eFiles) {
  if (!existsSync(file)) {
    missing.push(file);
    continue;
  }
  const { stats } = JSON.parse(readFileSync(file, 'utf8'));
  passed += stats.expected;
  failed += stats.unexpected + stats.flaky;
  skipped += stats.skipped;
  console.log(
    `end-to-end (${file}): ${stats.expected} passed, ${stats.unexpected} failed, ${stats.skipped} skipped`,
  );
}

for (const file of missing) {
  console.log(`no results in ${file}: that suite did not run to the end`);
}
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || missing.length > 0 || passed === 0 ? 1 : 0);
